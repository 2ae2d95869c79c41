namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>Where a sample writes its pictures and other files.</summary>
public static class OutputFolder
{
    /// <summary>artifacts/samples/<paramref name="sample"/> under the current folder, created if missing, as a full path.</summary>
    public static string For(string sample)
    {
        string folder = Path.GetFullPath(Path.Combine("artifacts", "samples", sample));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
