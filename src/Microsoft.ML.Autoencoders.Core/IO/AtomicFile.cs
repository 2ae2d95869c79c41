namespace Microsoft.ML.Autoencoders.IO;

/// <summary>
/// Writes a file so that readers see the old file or the whole new one, never a part: to a hidden temporary file beside it, flushed to disk,
/// then renamed over it. The ML.NET package compiles this same file, so model and pipeline files are written one way.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on failure the file at <paramref name="path"/> is left as it was.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
