namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// One layer of the network a <see cref="ParameterLayout"/> describes, in the order the engine runs them: a
/// <see cref="DenseLayerDescription"/>, <see cref="ConvolutionLayerDescription"/>, <see cref="MaxPoolLayerDescription"/> or
/// <see cref="UpsampleLayerDescription"/>. A later contract version may add kinds; a backend should refuse a kind it does not know.
/// </summary>
public abstract class LayerDescription
{
    private protected LayerDescription(int inputSize, int outputSize, FeatureMapShape? inputMap, FeatureMapShape? outputMap, IReadOnlyList<ParameterBlock> parameters)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        InputMap = inputMap;
        OutputMap = outputMap;
        Parameters = parameters;
    }

    /// <summary>Values per row going in.</summary>
    public int InputSize { get; }

    /// <summary>Values per row coming out.</summary>
    public int OutputSize { get; }

    /// <summary>The feature map going in, or null when the layer reads a vector.</summary>
    public FeatureMapShape? InputMap { get; }

    /// <summary>The feature map coming out, or null when the layer writes a vector.</summary>
    public FeatureMapShape? OutputMap { get; }

    /// <summary>The layer's parameter blocks (weights or kernel, then biases), or none for a layer without parameters.</summary>
    public IReadOnlyList<ParameterBlock> Parameters { get; }
}
