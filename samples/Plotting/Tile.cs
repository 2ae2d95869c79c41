namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>One image of an <see cref="ImageGrid"/>: its values row by row, a caption, and how to colour them (values are clipped to [0, <paramref name="Max"/>]).</summary>
public sealed record Tile(float[] Values, string? Caption = null, ColorMap Map = ColorMap.Gray, float Max = 1f);
