namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The layout of a convolutional autoencoder over inputs of <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> (each row of the
/// data is one such image, channel-major). The encoder's stages shrink the map; the code is a dense bottleneck of <see cref="CodeSize"/> values,
/// or, when <see cref="CodeSize"/> is 0, the encoder's last feature map itself; the decoder's stages grow the map back to the input's shape.
/// Pass it to <see cref="AutoencoderArchitecture.Convolutional"/>.
/// </summary>
/// <param name="Channels">Channels of the input image.</param>
/// <param name="Height">Rows of the input image.</param>
/// <param name="Width">Columns of the input image.</param>
/// <param name="Encoder">The encoder's stages, input side first.</param>
/// <param name="CodeSize">Values of a dense code, or 0 for a feature-map code.</param>
/// <param name="Decoder">The decoder's stages, code side first; the last one produces the reconstruction.</param>
public sealed record ConvolutionalLayout(int Channels, int Height, int Width, IReadOnlyList<ConvolutionStage> Encoder, int CodeSize, IReadOnlyList<DecoderStage> Decoder)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Channels}x{Height}x{Width}, encoder [{string.Join(", ", Encoder.Select(s => $"conv {s.Channels}@{s.Kernel}/{s.Stride}" + (s.Pool > 1 ? $" pool {s.Pool}" : "")))}], "
        + (CodeSize > 0 ? $"dense code {CodeSize}" : "feature-map code")
        + $", decoder [{string.Join(", ", Decoder.Select(s => (s.Upsample > 1 ? $"up {s.Upsample} " : "") + (s.Transposed ? "deconv" : "conv") + $" {s.Channels}@{s.Kernel}/{s.Stride}"))}]";
}
