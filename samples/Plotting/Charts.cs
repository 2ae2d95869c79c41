using ScottPlot;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>
/// The samples' charts, drawn by ScottPlot: line charts (loss and ROC curves) and scatter plots coloured by group, each with a title,
/// labelled axes and a legend. The file's extension picks the format: .png, or .svg for a vector picture.
/// </summary>
public static class Charts
{
    private const int Width = 640, Height = 400, ScatterHeight = 520;

    /// <summary>A line chart of <paramref name="series"/>, with a marker on each point when a series has at most 60.</summary>
    public static void LineChart(string path, string title, string xLabel, string yLabel, params Series[] series)
    {
        using var plot = Start(title, xLabel, yLabel);
        IPalette palette = new ScottPlot.Palettes.Category10();
        var drawn = new List<Coordinates>();
        for (int s = 0; s < series.Length; s++)
        {
            Coordinates[] points = series[s].X.Zip(series[s].Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second))
                .Select(p => new Coordinates(p.First, p.Second)).ToArray();
            var line = plot.Add.Scatter(points, palette.GetColor(s));
            line.LegendText = series[s].Name;
            line.LineWidth = 2;
            line.MarkerSize = points.Length <= 60 ? 5 : 0;
            drawn.AddRange(points);
        }

        if (drawn.Count > 0 && drawn.All(p => p.X == Math.Round(p.X)))
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true }; // epochs
        }

        plot.ShowLegend(EmptierRightCorner(drawn));
        Save(plot, path, Width, Height);
    }

    /// <summary>
    /// A scatter plot of <paramref name="points"/> coloured by group, with a legend naming the groups beside the plot; a group's
    /// points are drawn over those of the groups numbered before it.
    /// </summary>
    public static void Scatter(string path, string title, string xLabel, string yLabel,
        IReadOnlyList<(double X, double Y, int Group)> points, IReadOnlyList<string> groupNames)
    {
        using var plot = Start(title, xLabel, yLabel);
        IPalette palette = new ScottPlot.Palettes.Category10();
        foreach (var group in points.GroupBy(p => p.Group).OrderBy(g => g.Key))
        {
            Color color = palette.GetColor(group.Key);
            var markers = plot.Add.ScatterPoints(group.Select(p => p.X).ToArray(), group.Select(p => p.Y).ToArray(), color.WithAlpha(0.6));
            markers.MarkerSize = 4;
            // The legend's markers larger than the points, and opaque, so that their colours can be told apart.
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = group.Key < groupNames.Count ? groupNames[group.Key] : $"group {group.Key}",
                MarkerShape = MarkerShape.FilledCircle,
                MarkerSize = 10,
                MarkerColor = color,
            });
        }

        plot.ShowLegend(Edge.Right);
        Save(plot, path, Width + 120, ScatterHeight);
    }

    private static Plot Start(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFont.Name);
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        return plot;
    }

    // The right-hand corner, top or bottom, whose quarter of the data holds fewer points: where the legend hides least.
    private static Alignment EmptierRightCorner(IReadOnlyList<Coordinates> points)
    {
        if (points.Count == 0)
        {
            return Alignment.UpperRight;
        }

        double xMin = points.Min(p => p.X), xMax = points.Max(p => p.X), yMin = points.Min(p => p.Y), yMax = points.Max(p => p.Y);
        int upper = points.Count(p => p.X >= xMin + 0.6 * (xMax - xMin) && p.Y >= yMin + 0.7 * (yMax - yMin));
        int lower = points.Count(p => p.X >= xMin + 0.6 * (xMax - xMin) && p.Y <= yMin + 0.3 * (yMax - yMin));
        return lower < upper ? Alignment.LowerRight : Alignment.UpperRight;
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        _ = extension switch
        {
            ".png" => plot.SavePng(path, width, height),
            ".svg" => plot.SaveSvg(path, width, height),
            _ => throw new ArgumentException($"A chart is written as .png or .svg, not \"{extension}\": {path}", nameof(path)),
        };
    }
}
