namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>One small autoencoder trained once on 2,000 Fashion-MNIST images, shared by the tests that only use it.</summary>
internal static class SharedModel
{
    private static readonly Lazy<AutoencoderTransformer> Lazy = new(() =>
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 2000));
        return mlContext.Autoencoders.Autoencoder(codeSize: 16, hiddenSizes: [64], epochs: 3, seed: 7).Fit(data);
    });

    /// <summary>The model: 784-64-16-64-784, threshold from 5 % contamination.</summary>
    public static AutoencoderTransformer Transformer => Lazy.Value;
}
