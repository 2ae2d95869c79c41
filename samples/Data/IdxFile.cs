using System.Buffers.Binary;
using System.IO.Compression;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>
/// Reads the IDX files MNIST and Fashion-MNIST ship in (plain or gzip-compressed): unsigned-byte images as a
/// <see cref="FeatureMatrix"/> scaled to [0, 1], and labels as bytes.
/// </summary>
public static class IdxFile
{
    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    /// <summary>Reads up to <paramref name="limit"/> images (all when null), each flattened row by row and divided by 255.</summary>
    /// <exception cref="InvalidDataException">The file is not an IDX file of unsigned-byte images, or is truncated.</exception>
    public static FeatureMatrix ReadImages(string path, int? limit = null)
    {
        using Stream stream = Open(path);
        int[] header = ReadHeader(stream, path, ImagesMagic, 3);
        int count = Math.Min(header[0], limit ?? int.MaxValue);
        int pixels = checked(header[1] * header[2]);
        byte[] bytes = ReadExactly(stream, checked(count * pixels), path);
        var values = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            values[i] = bytes[i] / 255f;
        }

        return new FeatureMatrix(values, pixels);
    }

    /// <summary>Reads up to <paramref name="limit"/> labels (all when null).</summary>
    /// <exception cref="InvalidDataException">The file is not an IDX file of unsigned-byte labels, or is truncated.</exception>
    public static byte[] ReadLabels(string path, int? limit = null)
    {
        using Stream stream = Open(path);
        int[] header = ReadHeader(stream, path, LabelsMagic, 1);
        return ReadExactly(stream, Math.Min(header[0], limit ?? int.MaxValue), path);
    }

    private static Stream Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new BufferedStream(File.OpenRead(path), 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] ReadHeader(Stream stream, string path, int expectedMagic, int dimensions)
    {
        byte[] header = ReadExactly(stream, 4 * (1 + dimensions), path);
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException($"{path} starts with 0x{magic:x8}; expected the IDX magic 0x{expectedMagic:x8} ({dimensions}-dimensional unsigned bytes).");
        }

        var sizes = new int[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            sizes[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * (i + 1)));
            if (sizes[i] < 0)
            {
                throw new InvalidDataException($"{path} declares dimension {i} of size {sizes[i]}; expected a non-negative size.");
            }
        }

        return sizes;
    }

    private static byte[] ReadExactly(Stream stream, int count, string path)
    {
        var bytes = new byte[count];
        int read = stream.ReadAtLeast(bytes, count, throwOnEndOfStream: false);
        if (read < count)
        {
            throw new InvalidDataException($"{path} is truncated: expected {count} more bytes, found {read}.");
        }

        return bytes;
    }
}
