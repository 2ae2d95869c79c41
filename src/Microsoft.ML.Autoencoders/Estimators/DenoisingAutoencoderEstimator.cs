namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains a denoising autoencoder: each training batch is corrupted afresh (masking, Gaussian or salt-and-pepper noise)
/// and the network learns to rebuild the clean rows, so its codes and reconstructions ignore noise. Inference sees the
/// rows as they are. Produces the same <see cref="AutoencoderTransformer"/> as <see cref="AutoencoderEstimator"/>;
/// create it with <c>mlContext.Autoencoders.DenoisingAutoencoder(...)</c>.
/// </summary>
public sealed class DenoisingAutoencoderEstimator : AutoencoderFamilyEstimator
{
    /// <summary>Prepares to train as <paramref name="options"/> say (copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="AutoencoderEstimator.Options.Noise"/> is <see cref="NoiseKind.None"/>, or options contradict each other.</exception>
    internal DenoisingAutoencoderEstimator(MLContext mlContext, Options options)
        : base(mlContext, options)
    {
    }

    /// <summary>The options of a denoising autoencoder: those of <see cref="AutoencoderEstimator.Options"/>, with masking noise on a quarter of the features by default.</summary>
    public sealed class Options : AutoencoderEstimator.Options
    {
        /// <summary>Options with <see cref="AutoencoderEstimator.Options.Noise"/> = <see cref="NoiseKind.Masking"/> and <see cref="AutoencoderEstimator.Options.NoiseLevel"/> = 0.25.</summary>
        public Options()
        {
            Noise = Defaults.DenoisingNoise;
            NoiseLevel = Defaults.DenoisingNoiseLevel;
        }

        internal override void CheckMember()
        {
            if (Noise == NoiseKind.None)
            {
                throw new ArgumentException($"A denoising autoencoder needs a {nameof(Noise)} other than {nameof(NoiseKind.None)}; use mlContext.Autoencoders.Autoencoder for a plain one.", nameof(Noise));
            }
        }
    }
}
