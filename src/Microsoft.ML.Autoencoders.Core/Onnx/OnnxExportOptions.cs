namespace Microsoft.ML.Autoencoders;

/// <summary>
/// What <see cref="AutoencoderModel.ExportOnnx(Stream, OnnxExportOptions)"/> writes: the names of the graph's input and outputs (those of the
/// ML.NET columns by default; null or empty leaves an output out) and the threshold of the predicted label.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The input: a float tensor of shape [batch, input size]. Default "Features".</summary>
    public string InputName { get; init; } = "Features";

    /// <summary>The code, float [batch, code size] (the latent mean of a variational autoencoder). Default "Encoded".</summary>
    public string? EncodedName { get; init; } = "Encoded";

    /// <summary>The reconstruction, float [batch, input size]. Default "Reconstruction".</summary>
    public string? ReconstructionName { get; init; } = "Reconstruction";

    /// <summary>The anomaly score, float [batch], exactly the model's <see cref="AutoencoderModel.Score(ReadOnlySpan{float}, Span{float}, Span{float})"/>. Default "Score".</summary>
    public string? ScoreName { get; init; } = "Score";

    /// <summary>The predicted label, bool [batch]: score above <see cref="Threshold"/>. Default "PredictedLabel"; needs <see cref="Threshold"/>.</summary>
    public string? PredictedLabelName { get; init; } = "PredictedLabel";

    /// <summary>Each feature's (scaled) squared error, float [batch, input size]. Default "FeatureErrors".</summary>
    public string? FeatureErrorsName { get; init; } = "FeatureErrors";

    /// <summary>Scores above it are predicted anomalies; needed when <see cref="PredictedLabelName"/> is set. Default null.</summary>
    public float? Threshold { get; init; }

    /// <summary>
    /// When true, the graph takes one row, a float tensor [input size], and its outputs have no batch dimension: the code, reconstruction and
    /// feature errors are vectors, and the score and label one-element vectors (ML.NET 5.0.1's ONNX transformer fails to read rank-0 outputs).
    /// ML.NET's <c>ApplyOnnxModel</c> runs a row at a time and maps such vectors to the autoencoder transformer's own vector column types.
    /// Default false: a dynamic batch dimension first.
    /// </summary>
    public bool SingleRow { get; init; }

    /// <summary>
    /// When true, sigmoid layers use ONNX's Sigmoid operator, which ONNX Runtime runs faster but approximates (within 1e-6 absolute in our tests, 4e-7 at most):
    /// small sigmoid outputs (a sparse code's) then differ from the engine's by more than 1e-5 relative. Default false: 1 / (1 + exp(-x)),
    /// which matches the engine.
    /// </summary>
    public bool ApproximateSigmoid { get; init; }

    /// <summary>The names of the outputs asked for, in the graph's order.</summary>
    public IReadOnlyList<string> OutputNames => Outputs.Select(o => o.Name).ToArray();

    /// <summary>The outputs asked for, by role, in the graph's output order.</summary>
    internal IEnumerable<(string Role, string Name)> Outputs =>
        new (string Role, string? Name)[]
        {
            (nameof(EncodedName), EncodedName), (nameof(ReconstructionName), ReconstructionName), (nameof(ScoreName), ScoreName),
            (nameof(PredictedLabelName), PredictedLabelName), (nameof(FeatureErrorsName), FeatureErrorsName),
        }
        .Where(o => !string.IsNullOrEmpty(o.Name))
        .Select(o => (o.Role, o.Name!));

    /// <summary>Checks names and threshold.</summary>
    /// <exception cref="ArgumentException">The input name is empty, no output is asked for, a name repeats, or the label is asked for without a threshold.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is NaN.</exception>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(InputName))
        {
            throw new ArgumentException($"{nameof(InputName)} is empty; the graph's input needs a name, such as \"Features\".", nameof(InputName));
        }

        var outputs = Outputs.ToArray();
        if (outputs.Length == 0)
        {
            throw new ArgumentException("Every output name is null or empty; set at least one of EncodedName, ReconstructionName, ScoreName, PredictedLabelName and FeatureErrorsName.", nameof(EncodedName));
        }

        var seen = new Dictionary<string, string> { [InputName] = nameof(InputName) };
        foreach ((string role, string name) in outputs)
        {
            if (!seen.TryAdd(name, role))
            {
                throw new ArgumentException($"{role} is \"{name}\", which {seen[name]} already names; every input and output needs its own name.", role);
            }
        }

        if (Threshold is float threshold && float.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), threshold, "The threshold is NaN; give a number (scores above it are anomalies), or +infinity to flag nothing.");
        }

        if (!string.IsNullOrEmpty(PredictedLabelName) && Threshold == null)
        {
            throw new ArgumentException(
                $"{nameof(PredictedLabelName)} is \"{PredictedLabelName}\" but {nameof(Threshold)} is null: the predicted label needs a threshold. Set {nameof(Threshold)}, " +
                $"or set {nameof(PredictedLabelName)} to null to export without the label.", nameof(Threshold));
        }
    }
}
