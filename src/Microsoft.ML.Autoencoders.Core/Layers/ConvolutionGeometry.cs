namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>
/// The shapes of one 2-D convolution over channels-last (height x width x channels) maps: an input of
/// <see cref="InputHeight"/> x <see cref="InputWidth"/> x <see cref="InputChannels"/>, a square kernel, a stride and a zero padding.
/// </summary>
internal readonly record struct ConvolutionGeometry(int InputHeight, int InputWidth, int InputChannels, int Kernel, int Stride, int Padding)
{
    /// <summary>Rows of the output: (height + 2 padding - kernel) / stride + 1.</summary>
    public int OutputHeight => (InputHeight + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>Columns of the output.</summary>
    public int OutputWidth => (InputWidth + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>Values of one patch: kernel x kernel x input channels.</summary>
    public int PatchSize => Kernel * Kernel * InputChannels;

    /// <summary>Values of one input map.</summary>
    public int InputSize => InputHeight * InputWidth * InputChannels;

    /// <summary>Output positions of one map.</summary>
    public int OutputPositions => OutputHeight * OutputWidth;
}
