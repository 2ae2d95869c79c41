using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>Reads and rewrites the entries of zip archives (pipeline files and the ML.NET segments inside them) for tests that damage them.</summary>
internal static class PipelineZip
{
    /// <summary>Every entry of <paramref name="zip"/>, in archive order.</summary>
    public static List<(string Name, byte[] Bytes)> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e => (e.FullName, Read(e))).ToList();
    }

    /// <summary>The bytes of entry <paramref name="name"/> of <paramref name="zip"/>.</summary>
    public static byte[] Entry(byte[] zip, string name) => Entries(zip).Single(e => e.Name == name).Bytes;

    /// <summary>A well-formed zip archive (valid CRCs) of <paramref name="entries"/>, in order.</summary>
    public static byte[] Write(IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] bytes) in entries)
            {
                using Stream stream = archive.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }

    /// <summary><paramref name="zip"/> rewritten with entry <paramref name="name"/> holding <paramref name="bytes"/>, or without it when null.</summary>
    public static byte[] Replace(byte[] zip, string name, byte[]? bytes) =>
        Write(Entries(zip).Where(e => e.Name != name || bytes != null).Select(e => e.Name == name ? (e.Name, bytes!) : e));

    /// <summary>
    /// <paramref name="file"/>, a pipeline file, with entry <paramref name="name"/> holding <paramref name="bytes"/> and its
    /// SHA-256 in the manifest updated to match, as a tool editing the file on purpose would.
    /// </summary>
    public static byte[] ReplaceSigned(byte[] file, string name, byte[] bytes)
    {
        JsonNode manifest = JsonNode.Parse(Entry(file, "manifest.json"))!;
        JsonNode checksum = manifest["Entries"]!.AsArray().Single(e => (string?)e!["Name"] == name)!;
        checksum["Sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return Replace(Replace(file, name, bytes), "manifest.json", System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using Stream stream = entry.Open();
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
