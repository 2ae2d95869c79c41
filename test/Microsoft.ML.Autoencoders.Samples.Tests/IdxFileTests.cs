using System.Buffers.Binary;
using System.IO.Compression;

namespace Microsoft.ML.Autoencoders.Samples.Tests;

/// <summary>The IDX reader of samples/Data, on small files written here: plain and gzip-compressed, limited, and damaged.</summary>
[TestClass]
public sealed class IdxFileTests
{
    private static readonly byte[] Pixels = [0, 255, 51, 102, 1, 2, 3, 4, 200, 100, 50, 25];

    private string _folder = "";

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("idx-file-tests-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void ReadImages_PlainAndGzipFiles_GiveThePixelsDividedBy255RowByRow()
    {
        byte[] file = Idx(0x803, [3, 2, 2], Pixels);

        FeatureMatrix plain = IdxFile.ReadImages(Write("images.idx", file));
        FeatureMatrix compressed = IdxFile.ReadImages(Write("images.idx.gz", Gzip(file)));

        Assert.AreEqual(3, plain.RowCount);
        Assert.AreEqual(4, plain.ColumnCount);
        CollectionAssert.AreEqual(Pixels.Select(p => p / 255f).ToArray(), plain.Values.ToArray());
        CollectionAssert.AreEqual(plain.Values.ToArray(), compressed.Values.ToArray());
    }

    [TestMethod]
    public void ReadImagesAndLabels_Limit_ReadTheFirstRowsOnly()
    {
        FeatureMatrix images = IdxFile.ReadImages(Write("images.idx", Idx(0x803, [3, 2, 2], Pixels)), limit: 2);
        byte[] labels = IdxFile.ReadLabels(Write("labels.idx", Idx(0x801, [3], [7, 8, 9])), limit: 2);

        CollectionAssert.AreEqual(Pixels[..8].Select(p => p / 255f).ToArray(), images.Values.ToArray());
        CollectionAssert.AreEqual(new byte[] { 7, 8 }, labels);
    }

    [TestMethod]
    public void ReadImages_LabelsFile_ThrowsNamingBothMagicNumbers()
    {
        string path = Write("labels.idx", Idx(0x801, [Pixels.Length], Pixels));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.ReadImages(path));

        StringAssert.Contains(error.Message, "0x00000801");
        StringAssert.Contains(error.Message, "0x00000803");
    }

    [TestMethod]
    public void ReadImages_TruncatedFile_ThrowsSayingHowManyBytesAreMissing()
    {
        string path = Write("images.idx", Idx(0x803, [3, 2, 2], Pixels[..10]));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.ReadImages(path));

        StringAssert.Contains(error.Message, "truncated: expected 12 more bytes, found 10");
    }

    [TestMethod]
    public void Read_FolderWithoutTheDataSet_ThrowsSayingHowToInstallIt()
    {
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => FashionMnist.Read("train", directory: _folder));

        StringAssert.Contains(error.Message, "dataset-fashion-mnist");
        StringAssert.Contains(error.Message, "FASHION_MNIST_DIR");
    }

    private static byte[] Idx(int magic, int[] sizes, byte[] data)
    {
        var header = new byte[4 * (1 + sizes.Length)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < sizes.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (i + 1)), sizes[i]);
        }

        return [.. header, .. data];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
