namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// The CRC-32 that zip archives store for every entry (IEEE 802.3, reflected polynomial 0xEDB88320).
/// <see cref="System.IO.Compression.ZipArchive"/> writes it but, as of .NET 10, does not check it on reading.
/// </summary>
internal static class ZipCrc32
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
