using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Samples.Tests;

[TestClass]
[DoNotParallelize] // the progress test redirects Console.Out
public sealed class CommonTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Run_EstimatorFit_PrintsOneLinePerEpochWhenRedirected()
    {
        var mlContext = new MLContext(seed: 1);
        var random = new Random(4);
        IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 200)
            .Select(_ => new Row { Features = Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray());
        var estimator = mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { CodeSize = 2, EncoderHiddenSizes = [4], Epochs = 3, ValidationFraction = 0.2f, Seed = 1 });

        TextWriter original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            TrainingProgress.Run(mlContext, "Training", () => estimator.Fit(data));
        }
        finally
        {
            Console.SetOut(original);
        }

        string[] lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        TestContext.WriteLine(captured.ToString());
        Assert.AreEqual("Training", lines[0]);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            string line = lines[epoch];
            StringAssert.StartsWith(line, $"epoch   {epoch}/3  loss ");
            StringAssert.Contains(line, "validation ");
            StringAssert.Contains(line, "samples/s");
        }

        Assert.HasCount(4, lines, "One title line and one line per epoch, nothing else.");
    }

    [TestMethod]
    public void Encode_SmallImage_WritesChunksWithValidCrcAndThePixels()
    {
        byte[] rgb = Enumerable.Range(0, 2 * 3 * 3).Select(i => (byte)(i * 13)).ToArray();
        byte[] png = Png.Encode(rgb, 2, 3);

        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new Dictionary<string, byte[]>();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.AreEqual(Crc32(png.AsSpan(at + 4, 4 + length)), crc, $"CRC of {type}");
            chunks[type] = png[(at + 8)..(at + 8 + length)];
            at += 12 + length;
        }

        CollectionAssert.AreEquivalent(new[] { "IHDR", "IDAT", "IEND" }, chunks.Keys.ToArray());
        Assert.AreEqual(2, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"]));
        Assert.AreEqual(3, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"].AsSpan(4)));
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks["IDAT"]), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        byte[] scanlines = inflated.ToArray();
        Assert.HasCount(3 * (1 + 6), scanlines);
        for (int y = 0; y < 3; y++)
        {
            Assert.AreEqual(0, scanlines[y * 7], "filter byte");
            CollectionAssert.AreEqual(rgb[(y * 6)..(y * 6 + 6)], scanlines[(y * 7 + 1)..(y * 7 + 7)]);
        }
    }

    [TestMethod]
    public void Plots_AnyKind_AreWellFormedSvg()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"plots-{Guid.NewGuid():N}");
        try
        {
            Plot.LineChart(Path.Combine(folder, "line.svg"), "Loss <&>", "epoch", "loss",
                new Series("training", [1, 2, 3], [0.5, 0.2, 0.1]), new Series("validation", [1, 2, 3], [0.6, double.NaN, 0.15]));
            Plot.ImageGrid(Path.Combine(folder, "grid.svg"), "Images",
                [[new Tile(new float[4], "a"), new Tile([0, 0.5f, 1, 2], "b", ColorMap.Heat)], [new Tile(new float[4])]], 2, 2, ["first", "second"]);
            Plot.Scatter(Path.Combine(folder, "scatter.svg"), "Points", "x", "y", [(0, 0, 0), (1, 2, 1), (-3, 1, 1)], ["zero", "one"]);

            foreach (string name in new[] { "line", "grid", "scatter" })
            {
                XDocument svg = XDocument.Load(Path.Combine(folder, name + ".svg"));
                Assert.AreEqual("svg", svg.Root!.Name.LocalName, name);
                Assert.IsTrue(svg.Descendants().Any(e => e.Name.LocalName == "text" && e.Value.Length > 0), name);
            }

            XDocument grid = XDocument.Load(Path.Combine(folder, "grid.svg"));
            Assert.AreEqual(3, grid.Descendants().Count(e => e.Name.LocalName == "image"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }

        return ~c;
    }

    private sealed class Row
    {
        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }
}
