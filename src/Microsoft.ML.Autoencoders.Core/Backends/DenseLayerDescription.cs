namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// A fully connected layer, y = f(x W + b). In a convolutional network it is the dense bottleneck: the code layer flattens the encoder's last
/// map (<see cref="LayerDescription.InputMap"/>), and the layer after it expands the code back into that map (<see cref="LayerDescription.OutputMap"/>).
/// </summary>
public sealed class DenseLayerDescription : LayerDescription
{
    internal DenseLayerDescription(int inputSize, int outputSize, FeatureMapShape? inputMap, FeatureMapShape? outputMap, Activation activation, ParameterBlock weights, ParameterBlock bias)
        : base(inputSize, outputSize, inputMap, outputMap, [weights, bias])
    {
        Activation = activation;
        Weights = weights;
        Bias = bias;
    }

    /// <summary>f, applied to x W + b.</summary>
    public Activation Activation { get; }

    /// <summary>W, a <see cref="ParameterBlockKind.DenseWeights"/> block, inputs x outputs.</summary>
    public ParameterBlock Weights { get; }

    /// <summary>b, a <see cref="ParameterBlockKind.Bias"/> block, one value per output.</summary>
    public ParameterBlock Bias { get; }

    /// <inheritdoc/>
    public override string ToString() => $"dense {InputMap?.ToString() ?? InputSize.ToString()} -> {OutputMap?.ToString() ?? OutputSize.ToString()}, {Activation}";

    /// <summary>A dense layer whose weights start at <paramref name="offset"/>, followed by its biases, as layer <paramref name="index"/> of its network; a map side spans three axes of the weights.</summary>
    internal static DenseLayerDescription At(int index, int inputs, int outputs, FeatureMapShape? inputMap, FeatureMapShape? outputMap, Activation activation, int offset)
    {
        int[] inputAxes = inputMap is FeatureMapShape i ? [i.Height, i.Width, i.Channels] : [inputs];
        int[] outputAxes = outputMap is FeatureMapShape o ? [o.Height, o.Width, o.Channels] : [outputs];
        return new(
            inputs, outputs, inputMap, outputMap, activation,
            new ParameterBlock(ParameterBlockKind.DenseWeights, index, offset, [.. inputAxes, .. outputAxes]),
            new ParameterBlock(ParameterBlockKind.Bias, index, offset + inputs * outputs, outputAxes));
    }
}
