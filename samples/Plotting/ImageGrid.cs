using SkiaSharp;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>
/// Grids of images (pixels, reconstructions, per-pixel error heat maps) with a title, captions and row labels, written as PNG
/// files. Each value becomes a square of <c>scale</c> by <c>scale</c> pixels, exactly, so nothing is blurred or resampled.
/// </summary>
public static class ImageGrid
{
    private const float TitleSize = 15, LabelSize = 12, CaptionSize = 11;
    private const int Margin = 10, Gap = 8, TitleHeight = 34;

    /// <summary>
    /// Writes <paramref name="rows"/> of tiles, each <paramref name="imageWidth"/> by <paramref name="imageHeight"/> values drawn
    /// <paramref name="scale"/> times enlarged, under <paramref name="title"/>, with each tile's caption below it and
    /// <paramref name="rowLabels"/> at the left, to the PNG file <paramref name="path"/>.
    /// </summary>
    public static void Save(string path, string title, IReadOnlyList<IReadOnlyList<Tile>> rows, int imageWidth, int imageHeight,
        IReadOnlyList<string>? rowLabels = null, int scale = 3)
    {
        if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"An image grid is written as a .png file: {path}", nameof(path));
        }

        foreach (Tile tile in rows.SelectMany(r => r))
        {
            if (tile.Values.Length != imageWidth * imageHeight)
            {
                throw new ArgumentException($"A tile of {imageWidth}x{imageHeight} needs {imageWidth * imageHeight} values; \"{tile.Caption}\" has {tile.Values.Length}.", nameof(rows));
            }
        }

        using var titleFont = new SKFont(ChartFont.Typeface(bold: true), TitleSize);
        using var labelFont = new SKFont(ChartFont.Typeface(), LabelSize);
        using var captionFont = new SKFont(ChartFont.Typeface(), CaptionSize);
        int tileWidth = imageWidth * scale, tileHeight = imageHeight * scale;
        bool captions = rows.Any(r => r.Any(t => t.Caption != null));
        float widestCaption = rows.SelectMany(r => r).Select(t => t.Caption == null ? 0 : captionFont.MeasureText(t.Caption)).DefaultIfEmpty(0).Max();
        int cellWidth = Math.Max(tileWidth, (int)MathF.Ceiling(widestCaption)) + Gap;
        int cellHeight = tileHeight + (captions ? (int)CaptionSize + 10 : Gap);
        float widestLabel = rowLabels?.Select(l => labelFont.MeasureText(l)).DefaultIfEmpty(0).Max() ?? 0;
        int left = Margin + (rowLabels == null ? 0 : (int)MathF.Ceiling(widestLabel) + Gap);
        int columns = rows.Max(r => r.Count);
        int width = Math.Max(left + columns * cellWidth + Margin - Gap, (int)MathF.Ceiling(titleFont.MeasureText(title)) + 2 * Margin);
        int height = TitleHeight + rows.Count * cellHeight + Margin;

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var text = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        using (var pixel = new SKPaint { IsAntialias = false })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText(title, width / 2f, TitleHeight - 12, SKTextAlign.Center, titleFont, text);
            for (int r = 0; r < rows.Count; r++)
            {
                int y = TitleHeight + r * cellHeight;
                if (rowLabels != null && r < rowLabels.Count)
                {
                    canvas.DrawText(rowLabels[r], left - Gap, y + tileHeight / 2f + LabelSize / 3, SKTextAlign.Right, labelFont, text);
                }

                for (int c = 0; c < rows[r].Count; c++)
                {
                    Tile tile = rows[r][c];
                    int x = left + c * cellWidth + (cellWidth - Gap - tileWidth) / 2;
                    for (int i = 0; i < tile.Values.Length; i++)
                    {
                        pixel.Color = Color(tile, tile.Values[i]);
                        canvas.DrawRect(x + i % imageWidth * scale, y + i / imageWidth * scale, scale, scale, pixel);
                    }

                    if (tile.Caption != null)
                    {
                        canvas.DrawText(tile.Caption, x + tileWidth / 2f, y + tileHeight + CaptionSize + 2, SKTextAlign.Center, captionFont, text);
                    }
                }
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        if (!bitmap.Encode(file, SKEncodedImageFormat.Png, 100))
        {
            throw new IOException($"SkiaSharp could not encode {path} as PNG.");
        }
    }

    private static SKColor Color(Tile tile, float value)
    {
        float t = Math.Clamp(value / tile.Max, 0f, 1f);
        if (float.IsNaN(t))
        {
            t = 0;
        }

        return tile.Map == ColorMap.Gray
            ? new SKColor(Byte(t), Byte(t), Byte(t))
            : new SKColor(Byte(t * 3), Byte(t * 3 - 1), Byte(t * 3 - 2)); // black, red, yellow, white
    }

    private static byte Byte(float t) => (byte)MathF.Round(Math.Clamp(t, 0f, 1f) * 255);
}
