using SkiaSharp;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>
/// The font of every picture's text. SkiaSharp's Linux NoDependencies library reads font files from /usr/share/fonts without
/// fontconfig; with none there it draws no text at all, silently, so the first use warns on standard error.
/// </summary>
internal static class ChartFont
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];
    private static readonly Lazy<string> Chosen = new(Choose);

    /// <summary>The first installed of a few common sans-serif families, else ScottPlot's default font.</summary>
    public static string Name => Chosen.Value;

    /// <summary>The typeface of <see cref="Name"/>, regular or bold.</summary>
    public static SKTypeface Typeface(bool bold = false) => ScottPlot.Fonts.GetTypeface(Name, bold, italic: false);

    private static string Choose()
    {
        string[] installed = SKFontManager.Default.FontFamilies.ToArray();
        if (installed.Length == 0)
        {
            Console.Error.WriteLine("No fonts found: the pictures will have no text. On Debian, install fonts-dejavu-core (./build.sh does).");
        }

        return Preferred.FirstOrDefault(installed.Contains) ?? ScottPlot.Fonts.Default;
    }
}
