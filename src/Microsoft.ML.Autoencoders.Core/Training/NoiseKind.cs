namespace Microsoft.ML.Autoencoders;

/// <summary>How a denoising autoencoder corrupts its input during training (never at inference); it learns to rebuild the clean input.</summary>
public enum NoiseKind
{
    /// <summary>No corruption: a plain autoencoder.</summary>
    None,

    /// <summary>Adds independent normal noise with standard deviation <see cref="TrainingOptions.NoiseLevel"/> to every feature.</summary>
    Gaussian,

    /// <summary>Sets each feature to zero with probability <see cref="TrainingOptions.NoiseLevel"/>.</summary>
    Masking,

    /// <summary>Sets each feature, with probability <see cref="TrainingOptions.NoiseLevel"/>, to its minimum or its maximum over the training rows (each half the time).</summary>
    SaltAndPepper,
}
