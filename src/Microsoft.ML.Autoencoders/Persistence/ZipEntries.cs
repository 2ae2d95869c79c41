using System.IO.Compression;

namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// Zip entries for the pipeline file. Written ones carry a fixed timestamp, so that the same content gives the same
/// bytes; read ones are read whole and checked against the length and CRC-32 their archive stores (System.IO.Compression,
/// as of .NET 10, checks neither on reading, so a damaged entry would otherwise come back silently different).
/// </summary>
internal static class ZipEntries
{
    /// <summary>The last-write time of every entry written: the earliest a zip archive can hold (1980-01-01, 00:00).</summary>
    public static readonly DateTimeOffset Timestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Adds entry <paramref name="name"/> holding <paramref name="bytes"/>, stamped <see cref="Timestamp"/>.</summary>
    public static void Write(ZipArchive archive, string name, byte[] bytes, CompressionLevel level)
    {
        ZipArchiveEntry entry = archive.CreateEntry(name, level);
        entry.LastWriteTime = Timestamp;
        using Stream target = entry.Open();
        target.Write(bytes);
    }

    /// <summary>
    /// The zip archive <paramref name="zip"/> written again with the same entries in the same order, each stamped
    /// <see cref="Timestamp"/>: what <c>mlContext.Model.Save</c> writes, without the time it was written.
    /// </summary>
    public static byte[] Restamp(byte[] zip, CompressionLevel level)
    {
        using var source = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                Write(target, entry.FullName, Read(entry, "The zip archive ML.NET wrote"), level);
            }
        }

        return output.ToArray();
    }

    /// <summary>Opens the zip archive in <paramref name="stream"/> for reading.</summary>
    /// <param name="stream">The archive.</param>
    /// <param name="what">What the archive is, for messages: "The pipeline file", or "The pipeline file's entry \"segment-0.zip\"".</param>
    /// <exception cref="InvalidDataException">The stream does not hold a readable zip archive.</exception>
    public static ZipArchive Open(Stream stream, string what)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{what} is not a zip archive, or a damaged one: {e.Message}", e);
        }
    }

    /// <summary>The bytes of entry <paramref name="name"/> of <paramref name="archive"/>, checked against their length and CRC-32.</summary>
    /// <param name="archive">The archive.</param>
    /// <param name="name">The entry.</param>
    /// <param name="what">What the archive is, for messages, as for <see cref="Open"/>.</param>
    /// <exception cref="InvalidDataException">The entry is missing, cannot be decompressed, or does not match its length or CRC-32.</exception>
    public static byte[] Read(ZipArchive archive, string name, string what) =>
        Read(archive.GetEntry(name) ?? throw new InvalidDataException($"{what} has no entry \"{name}\"; it is damaged, or not written by mlContext.Autoencoders.SaveModel."), what);

    /// <summary>Reads every entry of the zip archive <paramref name="zip"/>, checking each as <see cref="Read(ZipArchive, string, string)"/> does.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a zip archive, or one of its entries is damaged.</exception>
    public static void CheckAll(byte[] zip, string what)
    {
        using ZipArchive archive = Open(new MemoryStream(zip, writable: false), what);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            _ = Read(entry, what);
        }
    }

    private static byte[] Read(ZipArchiveEntry entry, string what)
    {
        // Read no more than one byte past the length the archive claims: a damaged length must not make the reader
        // allocate it, and a deflated stream must not expand without bound.
        string name = entry.FullName;
        long expected = entry.Length;
        var buffer = new MemoryStream();
        try
        {
            using Stream source = entry.Open();
            byte[] chunk = new byte[81920];
            int read;
            while (buffer.Length <= expected && (read = source.Read(chunk, 0, (int)Math.Min(chunk.Length, expected + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{what} is damaged: its entry \"{name}\" cannot be read ({e.Message}).", e);
        }

        if (buffer.Length != expected)
        {
            throw new InvalidDataException($"{what} is damaged: its entry \"{name}\" holds {(buffer.Length > expected ? "more than" : $"{buffer.Length} of")} the {expected} bytes the archive says.");
        }

        byte[] bytes = buffer.ToArray();
        if (ZipCrc32.Compute(bytes) != entry.Crc32)
        {
            throw new InvalidDataException($"{what} is damaged: the bytes of its entry \"{name}\" do not match the CRC-32 the archive holds for them.");
        }

        return bytes;
    }
}
