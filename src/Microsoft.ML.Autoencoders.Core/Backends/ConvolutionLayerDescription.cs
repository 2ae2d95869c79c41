namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// A 2-D convolution over feature maps with a square kernel, a stride and zero padding on every side, then bias and activation; or, when
/// <see cref="IsTransposed"/>, its transpose, whose output is (input - 1) x stride - 2 x padding + kernel on each side.
/// <see cref="LayerDescription.InputMap"/> and <see cref="LayerDescription.OutputMap"/> are never null.
/// </summary>
public sealed class ConvolutionLayerDescription : LayerDescription
{
    internal ConvolutionLayerDescription(
        FeatureMapShape inputMap, FeatureMapShape outputMap, int kernel, int stride, int padding, bool isTransposed, Activation activation, ParameterBlock weights, ParameterBlock bias)
        : base(inputMap.Size, outputMap.Size, inputMap, outputMap, [weights, bias])
    {
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        IsTransposed = isTransposed;
        Activation = activation;
        Weights = weights;
        Bias = bias;
    }

    /// <summary>The kernel's height and width.</summary>
    public int Kernel { get; }

    /// <summary>The step between kernel positions (for a transposed convolution, the factor by which it grows the map).</summary>
    public int Stride { get; }

    /// <summary>Zeros added on every side of the input (for a transposed convolution, cropped from every side of the output).</summary>
    public int Padding { get; }

    /// <summary>Whether this is a transposed convolution.</summary>
    public bool IsTransposed { get; }

    /// <summary>The activation applied after the bias.</summary>
    public Activation Activation { get; }

    /// <summary>The kernel: a <see cref="ParameterBlockKind.ConvolutionKernel"/> block, or a <see cref="ParameterBlockKind.TransposedConvolutionKernel"/> one when <see cref="IsTransposed"/>.</summary>
    public ParameterBlock Weights { get; }

    /// <summary>One bias per output channel.</summary>
    public ParameterBlock Bias { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{(IsTransposed ? "transposed convolution" : "convolution")} {InputMap} -> {OutputMap}, kernel {Kernel}, stride {Stride}, padding {Padding}, {Activation}";
}
