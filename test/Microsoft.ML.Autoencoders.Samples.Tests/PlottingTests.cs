using System.Xml.Linq;
using SkiaSharp;

namespace Microsoft.ML.Autoencoders.Samples.Tests;

/// <summary>
/// Tests of samples/Plotting: each kind of picture is a file of the right format and size that shows its text (so a font was
/// found), its series in their colours, and in an image grid each value as an exact square of its colour.
/// </summary>
[TestClass]
public sealed class PlottingTests
{
    /// <summary>ScottPlot's Category10 palette: the first series' blue and the second's orange.</summary>
    private static readonly SKColor Blue = new(0x1F, 0x77, 0xB4), Orange = new(0xFF, 0x7F, 0x0E);

    private string _folder = null!;

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("plots-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void LineChart_Png_DrawsTitleAndBothSeries()
    {
        string path = Path.Combine(_folder, "line.png");
        Charts.LineChart(path, "Loss <&>", "epoch", "loss",
            new Series("training", [1, 2, 3], [0.5, 0.2, 0.1]), new Series("validation", [1, 2, 3], [0.6, double.NaN, 0.15]));

        using SKBitmap chart = Decode(path);
        Assert.AreEqual(640, chart.Width);
        Assert.AreEqual(400, chart.Height);
        Assert.IsGreaterThan(100, DarkPixels(chart, top: 0, bottom: 30), "The title should be drawn in the top 30 rows: is a font installed?");
        Assert.IsGreaterThan(50, Pixels(chart, Blue), "The first series' line and markers");
        Assert.IsGreaterThan(50, Pixels(chart, Orange), "The second series' line and markers, its NaN left out");
    }

    [TestMethod]
    public void LineChart_Svg_IsSvgWithTheTitleAsText()
    {
        string path = Path.Combine(_folder, "line.svg");
        Charts.LineChart(path, "Loss <&>", "epoch", "loss", new Series("training", [1, 2, 3], [0.5, 0.2, 0.1]));

        XDocument svg = XDocument.Load(path);
        Assert.AreEqual("svg", svg.Root!.Name.LocalName);
        string text = string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
        StringAssert.Contains(text, "Loss <&>");
    }

    [TestMethod]
    public void Scatter_Png_DrawsEachGroupInItsColour()
    {
        string path = Path.Combine(_folder, "scatter.png");
        Charts.Scatter(path, "Points by group", "x", "y", [(0, 0, 0), (1, 2, 1), (-3, 1, 1), (2, -1, 0)], ["zero", "one"]);

        using SKBitmap chart = Decode(path);
        Assert.AreEqual(760, chart.Width);
        Assert.AreEqual(520, chart.Height);
        Assert.IsGreaterThan(100, DarkPixels(chart, top: 0, bottom: 30), "The title should be drawn in the top 30 rows.");
        Assert.IsGreaterThan(0, Pixels(chart, Blend(Blue, 0.6), tolerance: 12), "Group zero's markers");
        Assert.IsGreaterThan(0, Pixels(chart, Blend(Orange, 0.6), tolerance: 12), "Group one's markers");
    }

    [TestMethod]
    public void Chart_OtherExtension_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Charts.LineChart(Path.Combine(_folder, "line.jpg"), "t", "x", "y", new Series("s", [1], [1])));
    }

    [TestMethod]
    public void ImageGrid_Png_DrawsEachValueAsAnExactSquare()
    {
        string path = Path.Combine(_folder, "grid.png");
        ImageGrid.Save(path, "Images",
            [[new Tile(new float[4], "a"), new Tile([0, 0.5f, 1, 2], "b", ColorMap.Heat)], [new Tile([1, 1, 1, 1], Map: ColorMap.Heat, Max: 4)]], 2, 2, ["first", "second"], scale: 3);

        using SKBitmap grid = Decode(path);
        Assert.IsInRange(60, 400, grid.Width);
        Assert.IsInRange(60, 200, grid.Height);
        Assert.IsGreaterThan(20, DarkPixels(grid, top: 0, bottom: 30), "The title should be drawn in the top 30 rows.");
        Assert.AreEqual(9, Pixels(grid, new SKColor(255, 128, 0), tolerance: 0), "The heat map's 0.5 of its maximum: orange, one 3 x 3 square");
        Assert.AreEqual(36, Pixels(grid, new SKColor(191, 0, 0), tolerance: 0), "The second row's heat map at a quarter of its maximum: 2 x 2 values, each 3 x 3");
        Assert.IsGreaterThanOrEqualTo(36 + 9, Pixels(grid, SKColors.Black, tolerance: 0), "The black tile and the heat map's zero");
    }

    [TestMethod]
    public void ImageGrid_WrongTileSizeOrExtension_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => ImageGrid.Save(Path.Combine(_folder, "grid.png"), "t", [[new Tile(new float[3])]], 2, 2));
        Assert.ThrowsExactly<ArgumentException>(() => ImageGrid.Save(Path.Combine(_folder, "grid.svg"), "t", [[new Tile(new float[4])]], 2, 2));
    }

    private static SKBitmap Decode(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8], $"{path}: PNG signature");
        return SKBitmap.Decode(bytes) ?? throw new AssertFailedException($"SkiaSharp cannot decode {path}.");
    }

    private static int Pixels(SKBitmap bitmap, SKColor color, int tolerance = 8)
    {
        int count = 0;
        foreach (SKColor pixel in bitmap.Pixels)
        {
            if (Math.Abs(pixel.Red - color.Red) <= tolerance && Math.Abs(pixel.Green - color.Green) <= tolerance && Math.Abs(pixel.Blue - color.Blue) <= tolerance)
            {
                count++;
            }
        }

        return count;
    }

    private static int DarkPixels(SKBitmap bitmap, int top, int bottom)
    {
        int count = 0;
        for (int y = top; y < bottom; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor pixel = bitmap.GetPixel(x, y);
                count += pixel.Red + pixel.Green + pixel.Blue < 300 ? 1 : 0;
            }
        }

        return count;
    }

    // A colour drawn with this opacity over white.
    private static SKColor Blend(SKColor color, double alpha) => new(
        (byte)Math.Round(color.Red * alpha + 255 * (1 - alpha)), (byte)Math.Round(color.Green * alpha + 255 * (1 - alpha)), (byte)Math.Round(color.Blue * alpha + 255 * (1 - alpha)));
}
