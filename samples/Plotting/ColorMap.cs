namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>How <see cref="ImageGrid"/> colours a tile's values.</summary>
public enum ColorMap
{
    /// <summary>0 black to <see cref="Tile.Max"/> white: pixels.</summary>
    Gray,

    /// <summary>0 black through red and yellow to <see cref="Tile.Max"/> white: errors.</summary>
    Heat,
}
