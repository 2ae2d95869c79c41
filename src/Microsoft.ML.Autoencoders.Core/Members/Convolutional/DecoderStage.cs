namespace Microsoft.ML.Autoencoders;

/// <summary>
/// One decoder stage of a convolutional autoencoder: optional nearest-neighbour upsampling, then a 2-D convolution, or a transposed convolution
/// (output size (input - 1) * stride - 2 * padding + kernel) when <paramref name="Transposed"/>.
/// </summary>
/// <param name="Channels">Output channels; the last stage's must equal the input's channels.</param>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Step between kernel positions (the upsampling factor of a transposed convolution).</param>
/// <param name="Padding">Zero padding (cropping, for a transposed convolution) on every side.</param>
/// <param name="Upsample">When above 1, nearest-neighbour upsampling by this factor before the convolution.</param>
/// <param name="Transposed">Use a transposed convolution instead of a convolution.</param>
public sealed record DecoderStage(int Channels, int Kernel = 3, int Stride = 1, int Padding = 1, int Upsample = 1, bool Transposed = false);
