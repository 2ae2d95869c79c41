using System.Buffers.Binary;
using System.Numerics;

namespace Microsoft.ML.Autoencoders.IO;

/// <summary>
/// The envelope of the library's binary files, little-endian: a 24-byte header (magic "MLAE", format version, kind, payload length, CRC-32C of
/// the payload), then the payload. Kind 1 is an autoencoder model, kind 2 a fine-tuned classifier; each kind numbers its own format versions.
/// Reading refuses, naming what it found, a file of another kind, a newer version, a length the stream cannot hold and a payload that does not
/// match its checksum.
/// </summary>
internal static class ChecksummedFile
{
    /// <summary>An <see cref="AutoencoderModel"/> (<c>Models/ModelFile</c>).</summary>
    public const int AutoencoderModelKind = 1;

    /// <summary>A <see cref="FineTunedClassifier"/> (<c>Classification/ClassifierFile</c>).</summary>
    public const int FineTunedClassifierKind = 2;

    private const int HeaderSize = 24;
    private static ReadOnlySpan<byte> Magic => "MLAE"u8;

    /// <summary>Writes the header for <paramref name="payload"/>, then the payload.</summary>
    public static void Write(Stream stream, int version, int kind, byte[] payload)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], version);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], kind);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], Crc32C(payload));
        stream.Write(header);
        stream.Write(payload);
    }

    /// <summary>Reads a file of <paramref name="kind"/> at format version 1 to <paramref name="newestVersion"/>; returns its checked payload.</summary>
    /// <exception cref="InvalidDataException">The stream holds no such file, a newer version of it, or a truncated or damaged one; the message says which.</exception>
    public static byte[] Read(Stream stream, int kind, int newestVersion, out int version)
    {
        string file = kind == AutoencoderModelKind ? "model file" : "classifier file";
        Span<byte> header = stackalloc byte[HeaderSize];
        int headerRead = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (headerRead < HeaderSize || !header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"This is not {Article(kind)} {Name(kind)} file: it does not start with the 24-byte header whose magic is \"MLAE\".");
        }

        if (header[4..8].SequenceEqual("CLS1"u8))
        {
            // Development builds wrote classifiers as "MLAECLS1" and a bare payload, before they had this envelope; no release did.
            throw new InvalidDataException("This fine-tuned classifier file is in the unchecksummed development format MLAECLS1, which no release wrote and this library does not read; train the classifier again and save it.");
        }

        int found = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (found != kind)
        {
            throw new InvalidDataException($"The file holds {Article(found)} {Name(found)} (kind {found}), not {Article(kind)} {Name(kind)} (kind {kind}); load it with {Loader(found)}.");
        }

        version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (version < 1 || version > newestVersion)
        {
            throw new InvalidDataException($"The {file} has format version {version}; Microsoft.ML.Autoencoders {typeof(ChecksummedFile).Assembly.GetName().Version} reads format versions 1 to {newestVersion}. A newer version of the library wrote it: upgrade to load it.");
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        byte[] payload = ReadPayload(stream, length, file);
        if (Crc32C(payload) != checksum)
        {
            throw new InvalidDataException($"The {file} is damaged: its payload does not match the checksum in its header.");
        }

        return payload;
    }

    private static string Name(int kind) => kind switch
    {
        AutoencoderModelKind => "autoencoder model",
        FineTunedClassifierKind => "fine-tuned classifier",
        _ => "unknown model",
    };

    private static string Article(int kind) => kind == AutoencoderModelKind ? "an" : "a";

    private static string Loader(int kind) => kind switch
    {
        AutoencoderModelKind => $"{nameof(AutoencoderModel)}.{nameof(AutoencoderModel.Load)}",
        FineTunedClassifierKind => $"{nameof(FineTunedClassifier)}.{nameof(FineTunedClassifier.Load)}",
        _ => "a newer version of the library",
    };

    private static byte[] ReadPayload(Stream stream, long length, string file)
    {
        if (length < 0 || length > Array.MaxLength || stream.CanSeek && length > stream.Length - stream.Position)
        {
            throw new InvalidDataException($"The {file}'s header announces a payload of {length} bytes, more than the file holds.");
        }

        // Grow the buffer only as bytes arrive (doubling, capped at the announced length), so an absurd length in a
        // non-seekable stream costs no memory, and an honest one costs at most twice the payload plus 4 KB.
        byte[] payload = new byte[(int)Math.Min(length, stream.CanSeek ? length : 4096)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == payload.Length)
            {
                Array.Resize(ref payload, (int)Math.Min(length, 2L * payload.Length));
            }

            int read = stream.Read(payload, filled, payload.Length - filled);
            if (read == 0)
            {
                throw new InvalidDataException($"The {file} is truncated: its header announces a payload of {length} bytes, but only {filled} follow.");
            }

            filled += read;
        }

        return payload;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }
}
