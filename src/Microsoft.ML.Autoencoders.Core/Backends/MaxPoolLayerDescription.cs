namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// Max pooling over non-overlapping <see cref="Size"/> x <see cref="Size"/> windows of each channel; rows and columns that do not fill a
/// window at the bottom or right edge are dropped. No parameters.
/// </summary>
public sealed class MaxPoolLayerDescription : LayerDescription
{
    internal MaxPoolLayerDescription(FeatureMapShape inputMap, FeatureMapShape outputMap, int size)
        : base(inputMap.Size, outputMap.Size, inputMap, outputMap, [])
    {
        Size = size;
    }

    /// <summary>The window's height and width, which is also its stride.</summary>
    public int Size { get; }

    /// <inheritdoc/>
    public override string ToString() => $"max pool {InputMap} -> {OutputMap}, {Size}x{Size}";
}
