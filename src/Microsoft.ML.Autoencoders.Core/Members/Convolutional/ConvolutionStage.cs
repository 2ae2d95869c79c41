namespace Microsoft.ML.Autoencoders;

/// <summary>One encoder stage of a convolutional autoencoder: a 2-D convolution (square kernel, stride, zero padding), then optional max pooling.</summary>
/// <param name="Channels">Output channels (feature maps) of the convolution.</param>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Step between kernel positions.</param>
/// <param name="Padding">Zeros added on every side of the input.</param>
/// <param name="Pool">When above 1, max pooling over Pool x Pool windows after the convolution.</param>
public sealed record ConvolutionStage(int Channels, int Kernel = 3, int Stride = 1, int Padding = 1, int Pool = 1);
