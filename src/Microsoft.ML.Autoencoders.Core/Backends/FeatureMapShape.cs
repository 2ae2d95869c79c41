namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// The shape of one feature map of a convolutional network, in the engine's channels-last order: a row holds the map as
/// <see cref="Height"/> x <see cref="Width"/> x <see cref="Channels"/>, channels varying fastest.
/// </summary>
/// <param name="Height">Rows of the map.</param>
/// <param name="Width">Columns of the map.</param>
/// <param name="Channels">Channels (feature maps) at each position.</param>
public readonly record struct FeatureMapShape(int Height, int Width, int Channels)
{
    /// <summary>Values of one map: height x width x channels.</summary>
    public int Size => Height * Width * Channels;

    /// <inheritdoc/>
    public override string ToString() => $"{Height}x{Width}x{Channels}";
}
