namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>What an added output column holds.</summary>
internal enum OutputRole
{
    /// <summary>The code.</summary>
    Encoded,

    /// <summary>The reconstruction.</summary>
    Reconstruction,

    /// <summary>The anomaly score.</summary>
    Score,

    /// <summary>Score above the threshold.</summary>
    PredictedLabel,

    /// <summary>Each feature's squared error.</summary>
    FeatureErrors,
}
