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
    /// <exception cref="ArgumentException">
    /// An option a variational autoencoder does not use is set (see <see cref="Options"/>), or options contradict each other.
    /// </exception>
    internal VaeEstimator(MLContext mlContext, Options options)
        : base(mlContext, options)
    {
    }

    /// <summary>
    /// The options of a variational autoencoder: those of <see cref="AutoencoderEstimator.Options"/>, for a network whose code is a latent mean
    /// and log-variance (<see cref="AutoencoderArchitecture.IsVariational"/>). The code is regularized by the KL term alone, so the engine refuses
    /// a <see cref="AutoencoderEstimator.Options.CodeActivation"/> other than <see cref="Activation.Identity"/>,
    /// <see cref="AutoencoderEstimator.Options.WinnerTakeAllK"/>, the code penalties and dropout; the score is the negative ELBO, so
    /// <see cref="AutoencoderEstimator.Options.ScaleFeatureErrors"/> and <see cref="AutoencoderEstimator.Options.CodeNeighbours"/> are refused too. <see cref="AutoencoderEstimator.Options.Loss"/> is not used:
    /// the reconstruction term follows the output activation (Bernoulli for a sigmoid, Gaussian otherwise).
    /// </summary>
    public sealed class Options : AutoencoderEstimator.Options
    {
        internal override bool IsVariational => true;
    }
}
