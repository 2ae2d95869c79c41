namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>What a <see cref="ParameterBlock"/> holds, and so what the axes of its <see cref="ParameterBlock.Shape"/> mean.</summary>
public enum ParameterBlockKind
{
    /// <summary>
    /// The weights of a dense layer y = f(x W + b), inputs x outputs: the input side's axes, then the output side's. A vector side is one
    /// axis (its size); a feature-map side is three (height, width, channels), as the map is flattened channels-last. For instance [784, 64],
    /// or [7, 7, 16, 32] for a convolutional code layer that flattens a 7x7x16 map into 32 values.
    /// </summary>
    DenseWeights,

    /// <summary>
    /// The biases added to a layer's outputs: [outputs] for a dense layer with a vector output, [height, width, channels] for a dense layer
    /// that outputs a feature map (one bias per value), [output channels] for a convolution or transposed convolution.
    /// </summary>
    Bias,

    /// <summary>The kernel of a 2-D convolution: [kernel rows, kernel columns, input channels, output channels].</summary>
    ConvolutionKernel,

    /// <summary>The kernel of a transposed 2-D convolution: [input channels, kernel rows, kernel columns, output channels].</summary>
    TransposedConvolutionKernel,
}
