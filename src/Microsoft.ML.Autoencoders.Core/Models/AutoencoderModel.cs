using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Models;
using Microsoft.ML.Autoencoders.Networks;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// A trained autoencoder: immutable, and safe to use from many threads at once. Every method works on a batch of
/// rows (row-major, <see cref="InputSize"/> values per row) with one matrix multiply per layer.
/// </summary>
public sealed unsafe partial class AutoencoderModel
{
    /// <summary>Rows per chunk when a whole matrix is reconstructed for the error scales.</summary>
    private const int ChunkRows = 1024;

    /// <summary>Rows each thread runs through the whole network at a time.</summary>
    private const int BandRows = 128;

    private readonly float[] _parameters;
    private readonly AutoencoderNetwork _network;
    private readonly PackedMatrix?[] _packedWeights;
    private readonly ConcurrentBag<NetworkWorkspace> _workspaces = new();

    internal AutoencoderModel(AutoencoderArchitecture architecture, float[] parameters, float[]? errorScales = null, CodeNeighbours? codeNeighbours = null)
    {
        _network = architecture.Network;
        int expected = _network.ParameterCount;
        if (parameters.Length != expected)
        {
            throw new ArgumentException($"The network {architecture} has {expected} parameters, not {parameters.Length}.", nameof(parameters));
        }

        if (errorScales != null && (errorScales.Length != architecture.InputSize || !_network.ScoresByReconstructionError))
        {
            throw new ArgumentException($"The error scales have {errorScales.Length} values for {architecture}; expected one per input feature, and none for a variational network.", nameof(errorScales));
        }

        if (codeNeighbours != null && (codeNeighbours.CodeSize != architecture.CodeSize || !_network.ScoresByReconstructionError || (codeNeighbours.ScaledErrors != null) != (errorScales != null)))
        {
            throw new ArgumentException($"The code neighbours hold codes of {codeNeighbours.CodeSize} values {(codeNeighbours.ScaledErrors != null ? "with" : "without")} scaled errors for {architecture} {(errorScales != null ? "with" : "without")} error scales; expected codes of {architecture.CodeSize} values, scaled errors exactly when there are error scales, and none for a variational network.", nameof(codeNeighbours));
        }

        _parameters = parameters;
        _errorScales = errorScales;
        _codeNeighbours = codeNeighbours;
        _errorWeights = WeightsOf(errorScales);
        _packedWeights = _network.Layers.Select(layer => layer.PackForInference(parameters)).ToArray();
        Architecture = architecture;
    }

    /// <summary>The network's layer sizes and activations.</summary>
    public AutoencoderArchitecture Architecture { get; }

    /// <summary>Features per input row.</summary>
    public int InputSize => Architecture.InputSize;

    /// <summary>Values per code.</summary>
    public int CodeSize => Architecture.CodeSize;

    /// <summary>The weights and biases, layer after layer (weights inputs x outputs row-major, then biases).</summary>
    internal ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Writes the code of each row of <paramref name="inputs"/> into <paramref name="codes"/> (<see cref="CodeSize"/> values per row).</summary>
    public void Encode(ReadOnlySpan<float> inputs, Span<float> codes) => Run(inputs, codes, default, default, default);

    /// <summary>Writes the reconstruction of each row of <paramref name="inputs"/> into <paramref name="reconstructions"/>.</summary>
    public void Reconstruct(ReadOnlySpan<float> inputs, Span<float> reconstructions) => Run(inputs, default, reconstructions, default, default);

    /// <summary>
    /// Writes each row's anomaly score, the mean squared reconstruction error (higher is more anomalous; for a variational autoencoder, the negative
    /// ELBO with the latent mean as its one sample, see <see cref="ImportanceWeightedScore(FeatureMatrix, int, int)"/> for a sharper estimate), into
    /// <paramref name="scores"/>, and, unless it is empty, each feature's squared error into <paramref name="featureErrors"/>. With
    /// <see cref="ErrorScales"/>, each squared error is first divided by its feature's scale (see <see cref="WithErrorScales(FeatureMatrix)"/>).
    /// With <see cref="CodeNeighbourCount"/> above 0, the score is instead the sum of the surprises of the row's errors and of its code's distance
    /// to the nearest normal codes (see <see cref="WithCodeNeighbours(FeatureMatrix, int)"/>); the feature errors stay as they were.
    /// A row holding NaN, an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/> (a value training refuses) scores
    /// <see cref="UnusableRowScore"/> (<see cref="float.MaxValue"/>), and its feature errors are <see cref="float.PositiveInfinity"/> at exactly
    /// those features and NaN at the others; its code and reconstruction are whatever the network gives and mean nothing. No score is NaN or
    /// infinite: one that overflows saturates at <see cref="UnusableRowScore"/>.
    /// </summary>
    public void Score(ReadOnlySpan<float> inputs, Span<float> scores, Span<float> featureErrors = default) =>
        Run(inputs, default, default, scores, featureErrors);

    /// <summary>Encodes every row of <paramref name="inputs"/>.</summary>
    public FeatureMatrix Encode(FeatureMatrix inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var codes = new float[inputs.RowCount * CodeSize];
        Encode(inputs.Values, codes);
        return new FeatureMatrix(codes, CodeSize);
    }

    /// <summary>Reconstructs every row of <paramref name="inputs"/>.</summary>
    public FeatureMatrix Reconstruct(FeatureMatrix inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var reconstructions = new float[inputs.RowCount * InputSize];
        Reconstruct(inputs.Values, reconstructions);
        return new FeatureMatrix(reconstructions, InputSize);
    }

    /// <summary>
    /// Scores every row of <paramref name="inputs"/>: one mean squared reconstruction error per row (<see cref="UnusableRowScore"/> for a row holding
    /// NaN, an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>).
    /// </summary>
    public float[] Score(FeatureMatrix inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var scores = new float[inputs.RowCount];
        Score(inputs.Values, scores);
        return scores;
    }

    /// <summary>
    /// One pass over <paramref name="inputs"/> that fills whichever of the outputs are not empty: codes
    /// (<see cref="CodeSize"/> per row), reconstructions and feature errors (<see cref="InputSize"/> per row) and scores (one per row).
    /// Rows holding NaN, an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/> score and show feature errors as
    /// <see cref="Score(ReadOnlySpan{float}, Span{float}, Span{float})"/> says.
    /// </summary>
    /// <exception cref="ArgumentException">An input or output length does not match the row count.</exception>
    public void Run(ReadOnlySpan<float> inputs, Span<float> codes, Span<float> reconstructions, Span<float> scores, Span<float> featureErrors)
    {
        int rows = RowCount(inputs);
        CheckLength(codes, rows * CodeSize, nameof(codes));
        CheckLength(reconstructions, rows * InputSize, nameof(reconstructions));
        CheckLength(scores, rows, nameof(scores));
        CheckLength(featureErrors, rows * InputSize, nameof(featureErrors));

        // Each band of rows runs through the whole network on one thread, with single-threaded multiplies: no thread
        // waits for another between layers, and a band's activations stay in that core's cache.
        fixed (float* x = inputs, c = codes, y = reconstructions, s = scores, e = featureErrors)
        {
            var pass = new ForwardPass(this, rows, x, c, y, s, e);
            WorkerPool.Run((rows + BandRows - 1) / BandRows, pass);
        }
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of <see cref="Run"/>, on the calling thread.</summary>
    private void RunBand(int start, int count, ReadOnlySpan<float> inputs, Span<float> codes, Span<float> reconstructions, Span<float> scores, Span<float> featureErrors)
    {
        bool decode = !reconstructions.IsEmpty || !scores.IsEmpty || !featureErrors.IsEmpty;
        NetworkWorkspace workspace = RentWorkspace();
        float[]? rentedCodes = RentCodesForNeighbours(count, codes, scores);
        try
        {
            ReadOnlySpan<float> x = inputs.Slice(start * InputSize, count * InputSize);
            Span<float> bandCodes = rentedCodes != null ? rentedCodes.AsSpan(0, count * CodeSize) : codes.IsEmpty ? default : codes.Slice(start * CodeSize, count * CodeSize);
            ReadOnlySpan<float> y = _network.Infer(
                _packedWeights, _parameters, x, count, workspace, 0, decode ? _network.Layers.Count : _network.CodeLayer + 1,
                bandCodes,
                reconstructions.IsEmpty ? default : reconstructions.Slice(start * InputSize, count * InputSize));
            if (!scores.IsEmpty || !featureErrors.IsEmpty)
            {
                Span<float> bandScores = scores.IsEmpty ? default : scores.Slice(start, count);
                Span<float> bandErrors = featureErrors.IsEmpty ? default : featureErrors.Slice(start * InputSize, count * InputSize);
                ScoreChunk(x, y, count, bandScores, bandErrors);
                if (!bandScores.IsEmpty)
                {
                    _network.Score(x, y, count, workspace, bandScores);
                    if (_codeNeighbours != null)
                    {
                        AddNeighbourSurprises(x, y, bandCodes, count, bandScores);
                    }
                }

                MarkUnusableRows(x, count, bandScores, bandErrors);
            }
        }
        finally
        {
            _workspaces.Add(workspace);
            if (rentedCodes != null)
            {
                ArrayPool<float>.Shared.Return(rentedCodes);
            }
        }
    }

    private void ScoreChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, Span<float> scores, Span<float> featureErrors)
    {
        // With error scales, each feature's squared error is divided by its scale (multiplied by the weight 1 / scale) before averaging.
        Span<float> scratch = _errorWeights != null && featureErrors.IsEmpty ? (InputSize <= 4096 ? stackalloc float[InputSize] : new float[InputSize]) : default;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * InputSize, InputSize);
            ReadOnlySpan<float> yr = y.Slice(r * InputSize, InputSize);
            if (_errorWeights == null)
            {
                if (!scores.IsEmpty)
                {
                    float distance = TensorPrimitives.Distance(xr, yr);
                    scores[r] = distance * distance / InputSize;
                }

                if (!featureErrors.IsEmpty)
                {
                    Span<float> errors = featureErrors.Slice(r * InputSize, InputSize);
                    TensorPrimitives.Subtract(xr, yr, errors);
                    TensorPrimitives.Multiply(errors, errors, errors);
                }

                continue;
            }

            Span<float> scaled = featureErrors.IsEmpty ? scratch : featureErrors.Slice(r * InputSize, InputSize);
            TensorPrimitives.Subtract(xr, yr, scaled);
            TensorPrimitives.Multiply(scaled, scaled, scaled);
            TensorPrimitives.Multiply(scaled, _errorWeights, scaled);
            if (!scores.IsEmpty)
            {
                scores[r] = TensorPrimitives.Sum(scaled) / InputSize;
            }
        }
    }

    /// <summary>Writes the model to <paramref name="stream"/> in the versioned binary format.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Models.ModelFile.Write(this, stream);
    }

    /// <summary>Writes the model to <paramref name="path"/> atomically: to a temporary file beside it, then renamed over it.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IO.AtomicFile.Write(path, Save);
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a model file, is damaged, or was written by a newer format version.</exception>
    public static AutoencoderModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Models.ModelFile.Read(stream);
    }

    /// <summary>Reads a model file written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a model file, is damaged, or was written by a newer format version.</exception>
    public static AutoencoderModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    private int RowCount(ReadOnlySpan<float> inputs)
    {
        if (inputs.Length % InputSize != 0)
        {
            throw new ArgumentException($"The {inputs.Length} input values do not split into rows of {InputSize} features; expected a multiple of {InputSize}.", nameof(inputs));
        }

        return inputs.Length / InputSize;
    }

    private static void CheckLength(Span<float> output, int expected, string name)
    {
        if (!output.IsEmpty && output.Length != expected)
        {
            throw new ArgumentException($"{name} has {output.Length} values; expected {expected} for these rows (or empty to skip it).", name);
        }
    }

    private NetworkWorkspace RentWorkspace() =>
        _workspaces.TryTake(out NetworkWorkspace? workspace) ? workspace : _network.CreateWorkspace(BandRows, forTraining: false, keepLogits: false);
}
