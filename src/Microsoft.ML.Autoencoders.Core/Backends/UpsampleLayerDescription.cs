namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>Nearest-neighbour upsampling: each value of the map repeated <see cref="Factor"/> x <see cref="Factor"/> times. No parameters.</summary>
public sealed class UpsampleLayerDescription : LayerDescription
{
    internal UpsampleLayerDescription(FeatureMapShape inputMap, FeatureMapShape outputMap, int factor)
        : base(inputMap.Size, outputMap.Size, inputMap, outputMap, [])
    {
        Factor = factor;
    }

    /// <summary>How many times each row and each column of the map is repeated.</summary>
    public int Factor { get; }

    /// <inheritdoc/>
    public override string ToString() => $"upsample {InputMap} -> {OutputMap}, x{Factor}";
}
