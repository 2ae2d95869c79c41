namespace Microsoft.ML.Autoencoders;

/// <summary>Adds <c>mlContext.Autoencoders</c> to <see cref="MLContext"/>.</summary>
public static class MLContextAutoencoderExtensions
{
    /// <summary>Autoencoder members of <see cref="MLContext"/>.</summary>
    /// <param name="mlContext">The context.</param>
    extension(MLContext mlContext)
    {
        /// <summary>
        /// The autoencoder catalog: estimators (<c>mlContext.Autoencoders.Autoencoder(...)</c>) and pipeline persistence
        /// (<c>SaveModel</c>, <c>LoadModel</c>). A catalog of its own rather than an extension of
        /// <c>mlContext.Transforms</c>, because ML.NET's catalogs keep their environment internal and the estimator needs the
        /// context's log, progress channels and random source.
        /// </summary>
        public AutoencoderCatalog Autoencoders => new(mlContext);
    }
}
