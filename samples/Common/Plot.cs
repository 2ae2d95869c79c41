using System.Globalization;
using System.Text;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>How <see cref="Plot.ImageGrid"/> colours a tile's values.</summary>
public enum ColorMap
{
    /// <summary>0 black to <see cref="Tile.Max"/> white: pixels.</summary>
    Gray,

    /// <summary>0 black through red and yellow to <see cref="Tile.Max"/> white: errors.</summary>
    Heat,
}

/// <summary>One image in a grid: its values row by row, a caption, and how to colour them.</summary>
public sealed record Tile(float[] Values, string? Caption = null, ColorMap Map = ColorMap.Gray, float Max = 1f);

/// <summary>A named line of a chart.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// The samples' pictures, written as standalone SVG files: line charts (loss curves), image grids (images,
/// reconstructions, per-pixel error maps; images are embedded as PNG) and scatter plots coloured by group.
/// </summary>
public static class Plot
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    private const string Font = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

    /// <summary>The folder a sample writes its pictures to: artifacts/samples/NAME under the current folder, created.</summary>
    public static string OutputFolder(string sample)
    {
        string folder = Path.GetFullPath(Path.Combine("artifacts", "samples", sample));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>A line chart of <paramref name="series"/> with axes, ticks and a legend.</summary>
    public static void LineChart(string path, string title, string xLabel, string yLabel, params Series[] series)
    {
        const double width = 640, height = 400, left = 70, right = 20, top = 40, bottom = 50;
        double[] xs = series.SelectMany(s => s.X).ToArray(), ys = series.SelectMany(s => s.Y).Where(double.IsFinite).ToArray();
        (double[] xTicks, double xMin, double xMax) = Ticks(xs.Min(), xs.Max());
        (double[] yTicks, double yMin, double yMax) = Ticks(ys.Min(), ys.Max());
        double X(double x) => left + (x - xMin) / (xMax - xMin) * (width - left - right);
        double Y(double y) => height - bottom - (y - yMin) / (yMax - yMin) * (height - top - bottom);

        var svg = Begin(width, height, title);
        Axes(svg, xTicks, yTicks, X, Y, left, width - right, top, height - bottom, xLabel, yLabel);
        for (int s = 0; s < series.Length; s++)
        {
            string color = Palette[s % Palette.Length];
            var points = series[s].X.Zip(series[s].Y).Where(p => double.IsFinite(p.Second)).Select(p => $"{N(X(p.First))},{N(Y(p.Second))}");
            svg.AppendLine($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points)}\"/>");
            foreach ((double x, double y) in series[s].X.Zip(series[s].Y).Where(p => double.IsFinite(p.Second) && series[s].X.Count <= 60))
            {
                svg.AppendLine($"<circle cx=\"{N(X(x))}\" cy=\"{N(Y(y))}\" r=\"2.5\" fill=\"{color}\"/>");
            }
        }

        // The legend goes in the right-hand corner, top or bottom, that hides fewer points.
        double legendHeight = series.Length * 18 + 8, legendLeft = width - right - 150;
        int Hidden(double legendTop) => series.Sum(s => s.X.Zip(s.Y).Count(p =>
            X(p.First) >= legendLeft - 6 && Y(p.Second) >= legendTop - 12 && Y(p.Second) <= legendTop - 12 + legendHeight));
        double topCorner = top + 10, bottomCorner = height - bottom - legendHeight;
        Legend(svg, series.Select(s => s.Name).ToArray(), legendLeft, Hidden(bottomCorner) < Hidden(topCorner) ? bottomCorner : topCorner);
        End(svg, path);
    }

    /// <summary>
    /// A grid of images, <paramref name="rows"/> of tiles, each <paramref name="imageWidth"/> by <paramref name="imageHeight"/>
    /// values drawn <paramref name="scale"/> times enlarged, with captions and optional row labels.
    /// </summary>
    public static void ImageGrid(string path, string title, IReadOnlyList<IReadOnlyList<Tile>> rows, int imageWidth, int imageHeight,
        IReadOnlyList<string>? rowLabels = null, int scale = 3)
    {
        int columns = rows.Max(r => r.Count);
        double tileWidth = imageWidth * scale, tileHeight = imageHeight * scale;
        bool captions = rows.Any(r => r.Any(t => t.Caption != null));
        double cellWidth = tileWidth + 8, cellHeight = tileHeight + (captions ? 18 : 6);
        double left = rowLabels == null ? 10 : 10 + 7 * rowLabels.Max(l => l.Length), top = 40;
        double width = left + columns * cellWidth + 10, height = top + rows.Count * cellHeight + 10;

        var svg = Begin(width, height, title);
        for (int r = 0; r < rows.Count; r++)
        {
            double y = top + r * cellHeight;
            if (rowLabels != null && r < rowLabels.Count)
            {
                svg.AppendLine($"<text x=\"{N(left - 8)}\" y=\"{N(y + tileHeight / 2 + 4)}\" text-anchor=\"end\" font-size=\"12\" {Font}>{Escape(rowLabels[r])}</text>");
            }

            for (int c = 0; c < rows[r].Count; c++)
            {
                Tile tile = rows[r][c];
                double x = left + c * cellWidth;
                string png = Convert.ToBase64String(Png.Encode(Rgb(tile, imageWidth, imageHeight, scale), imageWidth * scale, imageHeight * scale));
                svg.AppendLine($"<image x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(tileWidth)}\" height=\"{N(tileHeight)}\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{png}\"/>");
                if (tile.Caption != null)
                {
                    svg.AppendLine($"<text x=\"{N(x + tileWidth / 2)}\" y=\"{N(y + tileHeight + 12)}\" text-anchor=\"middle\" font-size=\"10\" {Font}>{Escape(tile.Caption)}</text>");
                }
            }
        }

        End(svg, path);
    }

    /// <summary>A scatter plot of points coloured by group, with a legend naming the groups.</summary>
    public static void Scatter(string path, string title, string xLabel, string yLabel, IReadOnlyList<(double X, double Y, int Group)> points, IReadOnlyList<string> groupNames)
    {
        const double width = 640, height = 520, left = 70, right = 150, top = 40, bottom = 50;
        (double[] xTicks, double xMin, double xMax) = Ticks(points.Min(p => p.X), points.Max(p => p.X));
        (double[] yTicks, double yMin, double yMax) = Ticks(points.Min(p => p.Y), points.Max(p => p.Y));
        double X(double x) => left + (x - xMin) / (xMax - xMin) * (width - left - right);
        double Y(double y) => height - bottom - (y - yMin) / (yMax - yMin) * (height - top - bottom);

        var svg = Begin(width, height, title);
        Axes(svg, xTicks, yTicks, X, Y, left, width - right, top, height - bottom, xLabel, yLabel);
        foreach ((double x, double y, int group) in points)
        {
            svg.AppendLine($"<circle cx=\"{N(X(x))}\" cy=\"{N(Y(y))}\" r=\"2\" fill=\"{Palette[group % Palette.Length]}\" fill-opacity=\"0.6\"/>");
        }

        Legend(svg, groupNames, width - right + 15, top + 10);
        End(svg, path);
    }

    private static byte[] Rgb(Tile tile, int width, int height, int scale)
    {
        if (tile.Values.Length != width * height)
        {
            throw new ArgumentException($"A tile of {width}x{height} needs {width * height} values; \"{tile.Caption}\" has {tile.Values.Length}.");
        }

        int outWidth = width * scale;
        byte[] rgb = new byte[outWidth * height * scale * 3];
        for (int y = 0; y < height * scale; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                float t = Math.Clamp(tile.Values[y / scale * width + x / scale] / tile.Max, 0f, 1f);
                (byte red, byte green, byte blue) = tile.Map == ColorMap.Gray
                    ? ((byte)(t * 255), (byte)(t * 255), (byte)(t * 255))
                    : ((byte)(Math.Min(1f, t * 3) * 255), (byte)(Math.Clamp(t * 3 - 1, 0, 1) * 255), (byte)(Math.Clamp(t * 3 - 2, 0, 1) * 255));
                int at = (y * outWidth + x) * 3;
                rgb[at] = red;
                rgb[at + 1] = green;
                rgb[at + 2] = blue;
            }
        }

        return rgb;
    }

    // About five round ticks covering [min, max]; the axis runs from the first tick to the last.
    private static (double[] Ticks, double Min, double Max) Ticks(double min, double max)
    {
        if (max <= min)
        {
            (min, max) = (min - 0.5 * Math.Max(1e-9, Math.Abs(min)), max + 0.5 * Math.Max(1e-9, Math.Abs(max)));
        }

        double raw = (max - min) / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        double first = Math.Floor(min / step) * step, last = Math.Ceiling(max / step) * step;
        int count = (int)Math.Round((last - first) / step) + 1;
        return (Enumerable.Range(0, count).Select(i => first + i * step).ToArray(), first, last);
    }

    private static void Axes(StringBuilder svg, double[] xTicks, double[] yTicks, Func<double, double> X, Func<double, double> Y,
        double x0, double x1, double y0, double y1, string xLabel, string yLabel)
    {
        foreach (double t in yTicks)
        {
            svg.AppendLine($"<line x1=\"{N(x0)}\" x2=\"{N(x1)}\" y1=\"{N(Y(t))}\" y2=\"{N(Y(t))}\" stroke=\"#e0e0e0\"/>");
            svg.AppendLine($"<text x=\"{N(x0 - 6)}\" y=\"{N(Y(t) + 4)}\" text-anchor=\"end\" font-size=\"11\" {Font}>{Label(t)}</text>");
        }

        foreach (double t in xTicks)
        {
            svg.AppendLine($"<line x1=\"{N(X(t))}\" x2=\"{N(X(t))}\" y1=\"{N(y1)}\" y2=\"{N(y1 + 5)}\" stroke=\"#444\"/>");
            svg.AppendLine($"<text x=\"{N(X(t))}\" y=\"{N(y1 + 18)}\" text-anchor=\"middle\" font-size=\"11\" {Font}>{Label(t)}</text>");
        }

        svg.AppendLine($"<rect x=\"{N(x0)}\" y=\"{N(y0)}\" width=\"{N(x1 - x0)}\" height=\"{N(y1 - y0)}\" fill=\"none\" stroke=\"#444\"/>");
        svg.AppendLine($"<text x=\"{N((x0 + x1) / 2)}\" y=\"{N(y1 + 38)}\" text-anchor=\"middle\" font-size=\"12\" {Font}>{Escape(xLabel)}</text>");
        svg.AppendLine($"<text transform=\"translate({N(x0 - 52)},{N((y0 + y1) / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" {Font}>{Escape(yLabel)}</text>");
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<string> names, double x, double y)
    {
        svg.AppendLine($"<rect x=\"{N(x - 6)}\" y=\"{N(y - 12)}\" width=\"140\" height=\"{N(names.Count * 18 + 8)}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>");
        for (int i = 0; i < names.Count; i++)
        {
            svg.AppendLine($"<rect x=\"{N(x)}\" y=\"{N(y + i * 18 - 8)}\" width=\"12\" height=\"10\" fill=\"{Palette[i % Palette.Length]}\"/>");
            svg.AppendLine($"<text x=\"{N(x + 18)}\" y=\"{N(y + i * 18 + 1)}\" font-size=\"11\" {Font}>{Escape(names[i])}</text>");
        }
    }

    private static StringBuilder Begin(double width, double height, string title)
    {
        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\">");
        svg.AppendLine($"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine($"<text x=\"{N(width / 2)}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" {Font}>{Escape(title)}</text>");
        return svg;
    }

    private static void End(StringBuilder svg, string path)
    {
        svg.AppendLine("</svg>");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(directory!);
        File.WriteAllText(path, svg.ToString());
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Label(double value) =>
        Math.Abs(value) < 1e-12 ? "0" : Math.Abs(value) >= 1000 ? value.ToString("#,0.##", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
