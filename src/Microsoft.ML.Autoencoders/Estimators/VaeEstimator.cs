namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains a variational autoencoder: the encoder gives a mean and a log-variance per latent dimension, training decodes a
/// reparameterised sample and minimizes the negative evidence lower bound (reconstruction plus
/// <see cref="AutoencoderEstimator.Options.KlWeight"/> times the KL divergence to a standard normal). The fitted
/// <see cref="AutoencoderTransformer"/>'s code is the latent mean and its score the negative ELBO; its
/// <see cref="AutoencoderTransformer.Model"/> also samples from the prior, decodes any latent vector and interpolates.
/// Create it with <c>mlContext.Autoencoders.Vae(...)</c>.
/// </summary>
public sealed class VaeEstimator : AutoencoderFamilyEstimator
{
    /// <summary>Prepares to train as <paramref name="options"/> say (copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="AutoencoderEstimator.Options.Variational"/> is false, or options contradict each other.</exception>
    public VaeEstimator(MLContext mlContext, Options options)
        : base(mlContext, Check(options))
    {
    }

    private static Options Check(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Variational)
        {
            throw new ArgumentException($"A {nameof(VaeEstimator)} needs {nameof(Options.Variational)} = true; use mlContext.Autoencoders.Autoencoder for a plain autoencoder.", nameof(options));
        }

        return options;
    }

    /// <summary>The options of a variational autoencoder: those of <see cref="AutoencoderEstimator.Options"/> with <see cref="AutoencoderEstimator.Options.Variational"/> on.</summary>
    public sealed class Options : AutoencoderEstimator.Options
    {
        /// <summary>Options with <see cref="AutoencoderEstimator.Options.Variational"/> = true.</summary>
        public Options()
        {
            Variational = true;
        }
    }
}
