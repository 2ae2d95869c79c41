namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The columns an <see cref="AutoencoderTransformer"/> reads and writes. An output column whose name is null or empty is
/// not produced (and not computed); at least one must be named.
/// </summary>
public sealed record AutoencoderColumns
{
    /// <summary>The input column: a known-size vector of <see cref="float"/>. Default "Features".</summary>
    public string FeatureColumnName { get; init; } = AutoencoderColumnNames.Features;

    /// <summary>The code (bottleneck) of each row: a vector of <see cref="float"/> of the code size. Default "Encoded".</summary>
    public string? EncodedColumnName { get; init; } = AutoencoderColumnNames.Encoded;

    /// <summary>The reconstruction of each row: a vector of <see cref="float"/> as long as the input. Default "Reconstruction".</summary>
    public string? ReconstructionColumnName { get; init; } = AutoencoderColumnNames.Reconstruction;

    /// <summary>
    /// The anomaly score of each row, the mean squared reconstruction error (higher is more anomalous;
    /// <see cref="AutoencoderModel.UnusableRowScore"/> for a row holding NaN, an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>; never NaN or infinite). Default "Score".
    /// </summary>
    public string? ScoreColumnName { get; init; } = AutoencoderColumnNames.Score;

    /// <summary>Whether the row is an anomaly: <see cref="bool"/>, true when the score exceeds the threshold (so for every row scored <see cref="AutoencoderModel.UnusableRowScore"/> under any lower threshold). Default "PredictedLabel".</summary>
    public string? PredictedLabelColumnName { get; init; } = AutoencoderColumnNames.PredictedLabel;

    /// <summary>
    /// Each feature's squared reconstruction error: a vector of <see cref="float"/> as long as the input. For a row holding NaN, an infinity or a
    /// magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, +infinity at exactly those features and NaN at the others. Default "FeatureErrors".
    /// </summary>
    public string? FeatureErrorsColumnName { get; init; } = AutoencoderColumnNames.FeatureErrors;

    /// <summary>Throws when the feature column is unnamed, no output column is named, or two produced columns share a name.</summary>
    /// <exception cref="ArgumentException">A column name is missing or repeated, or every output column is switched off.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
        {
            throw new ArgumentException($"{nameof(FeatureColumnName)} is empty; name the known-size float vector column to read (e.g. \"{AutoencoderColumnNames.Features}\").", nameof(FeatureColumnName));
        }

        if (Outputs.All(output => string.IsNullOrEmpty(output.Name)))
        {
            throw new ArgumentException(
                $"{string.Join(", ", Outputs.Select(output => output.Role).SkipLast(1))} and {Outputs.Last().Role} are all null or empty, so the autoencoder would add no column and compute nothing; " +
                $"at least one output column is needed (e.g. {nameof(ScoreColumnName)} = \"{AutoencoderColumnNames.Score}\").");
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string role, string? name) in Outputs)
        {
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            if (!seen.TryAdd(name, role))
            {
                throw new ArgumentException($"{role} and {seen[name]} are both \"{name}\"; every output column needs its own name (or null to switch it off).", role);
            }
        }
    }

    /// <summary>The output roles and their names, in the order the columns are added.</summary>
    internal IEnumerable<(string Role, string? Name)> Outputs =>
    [
        (nameof(EncodedColumnName), EncodedColumnName),
        (nameof(ReconstructionColumnName), ReconstructionColumnName),
        (nameof(ScoreColumnName), ScoreColumnName),
        (nameof(PredictedLabelColumnName), PredictedLabelColumnName),
        (nameof(FeatureErrorsColumnName), FeatureErrorsColumnName),
    ];
}
