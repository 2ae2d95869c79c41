namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// The code of a variational autoencoder (<see cref="AutoencoderArchitecture.IsVariational"/>) as every backend computes it: the code layer
/// (<see cref="ParameterLayout.CodeLayerIndex"/>) outputs <see cref="AutoencoderArchitecture.CodeSize"/> means, then as many log-variances;
/// training decodes mean + exp(log-variance / 2) x eps with eps ~ N(0, I), and validation and the trained model decode the mean.
/// </summary>
public static class VariationalCode
{
    /// <summary>
    /// The log-variance is clamped to [-<see cref="LogVarianceLimit"/>, <see cref="LogVarianceLimit"/>] before it is used (in the sample
    /// and in the KL term), so that exp stays finite.
    /// </summary>
    public const float LogVarianceLimit = Members.GaussianKl.LogVarianceLimit;
}
