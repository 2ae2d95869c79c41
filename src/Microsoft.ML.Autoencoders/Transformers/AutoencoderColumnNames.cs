namespace Microsoft.ML.Autoencoders;

/// <summary>The column names the autoencoder estimator reads and writes unless told otherwise.</summary>
public static class AutoencoderColumnNames
{
    /// <summary>"Features": the input, a known-size vector of <see cref="float"/>.</summary>
    public const string Features = "Features";

    /// <summary>"Encoded": the code of each row.</summary>
    public const string Encoded = "Encoded";

    /// <summary>"Reconstruction": the reconstruction of each row.</summary>
    public const string Reconstruction = "Reconstruction";

    /// <summary>"Score": the anomaly score, as ML.NET's anomaly detection evaluator expects it.</summary>
    public const string Score = "Score";

    /// <summary>"PredictedLabel": true for an anomaly, as ML.NET's anomaly detection evaluator expects it.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>"FeatureErrors": each feature's squared reconstruction error.</summary>
    public const string FeatureErrors = "FeatureErrors";
}
