using SkiaSharp;

/// <summary>
/// This sample's PNG files, drawn with SkiaSharp 2.88 directly: the grey images it feeds to ML.NET and the grid of their
/// reconstructions. The other samples draw with samples/Plotting, whose ScottPlot brings SkiaSharp 3; ImageAnalytics 5.0.1,
/// which this sample loads its images with, fails on SkiaSharp 3, so this sample keeps to 2.88.
/// </summary>
internal static class Pictures
{
    /// <summary>Writes <paramref name="values"/> in [0, 1], row by row, as a grey <paramref name="width"/> x <paramref name="height"/> PNG file.</summary>
    public static void WriteGray(string path, ReadOnlySpan<float> values, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int i = 0; i < width * height; i++)
        {
            byte level = (byte)MathF.Round(Math.Clamp(values[i], 0f, 1f) * 255);
            bitmap.SetPixel(i % width, i / width, new SKColor(level, level, level));
        }

        Encode(bitmap, path);
    }

    /// <summary>
    /// Writes <paramref name="rows"/> of <paramref name="side"/> x <paramref name="side"/> images in [0, 1], each value a
    /// <paramref name="scale"/> x <paramref name="scale"/> square, under <paramref name="title"/>, as a PNG file.
    /// </summary>
    public static void WriteGrid(string path, string title, IReadOnlyList<IReadOnlyList<float[]>> rows, int side, int scale = 3)
    {
        const int margin = 10, gap = 8, titleHeight = 34;
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true, TextSize = 15, Typeface = SKTypeface.FromFamilyName("DejaVu Sans", SKFontStyle.Bold), TextAlign = SKTextAlign.Center };
        int cell = side * scale + gap, columns = rows.Max(r => r.Count);
        int width = Math.Max(2 * margin + columns * cell - gap, (int)MathF.Ceiling(text.MeasureText(title)) + 2 * margin);
        int height = titleHeight + rows.Count * cell - gap + margin;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var pixel = new SKPaint { IsAntialias = false })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText(title, width / 2f, titleHeight - 12, text);
            int left = (width - (columns * cell - gap)) / 2;
            for (int r = 0; r < rows.Count; r++)
            {
                for (int c = 0; c < rows[r].Count; c++)
                {
                    float[] image = rows[r][c];
                    for (int i = 0; i < side * side; i++)
                    {
                        byte level = (byte)MathF.Round(Math.Clamp(image[i], 0f, 1f) * 255);
                        pixel.Color = new SKColor(level, level, level);
                        canvas.DrawRect(left + c * cell + i % side * scale, titleHeight + r * cell + i / side * scale, scale, scale, pixel);
                    }
                }
            }
        }

        Encode(bitmap, path);
    }

    private static void Encode(SKBitmap bitmap, string path)
    {
        using var file = File.Create(path);
        if (!bitmap.Encode(file, SKEncodedImageFormat.Png, 100))
        {
            throw new IOException($"SkiaSharp could not encode {path} as PNG.");
        }
    }
}
