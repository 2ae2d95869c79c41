using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Imputation;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Fills missing values (NaN) with an autoencoder, and only those: every observed value passes through bit for bit. Each column is
/// standardized by its training mean and spread; a missing value starts at its column's mean, then the network reconstructs the row and
/// only the missing values take the reconstruction's values, <see cref="Iterations"/> times. Immutable and safe to use from many threads.
/// </summary>
/// <remarks>
/// Train one with <see cref="Train"/>: the network learns from rows with missing values, its loss counting the observed values only,
/// while masking noise (<see cref="TrainingOptions.Noise"/>) hides further observed values from its input so that it learns to rebuild
/// what it does not see. An infinity, or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, at transform time passes through
/// unchanged and counts as missing for filling the row's other values.
/// </remarks>
public sealed class AutoencoderImputer
{
    /// <summary>Rounds of reconstruct-and-replace when none is given.</summary>
    public const int DefaultIterations = 3;

    private readonly float[] _means;
    private readonly float[] _scales;

    /// <summary>Builds an imputer from a model trained on standardized columns and the statistics that standardized them.</summary>
    /// <param name="model">A dense model trained on (x - mean) / scale, missing values read as 0.</param>
    /// <param name="means">Each column's training mean.</param>
    /// <param name="scales">Each column's scale (positive).</param>
    /// <param name="iterations">Rounds of reconstruct-and-replace, at least 1.</param>
    /// <exception cref="ArgumentException">A length does not match the model's input, a mean is not finite or a scale not positive and finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is below 1.</exception>
    public AutoencoderImputer(AutoencoderModel model, IReadOnlyList<float> means, IReadOnlyList<float> scales, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (means.Count != model.InputSize || scales.Count != model.InputSize)
        {
            throw new ArgumentException($"The imputer has {means.Count} means and {scales.Count} scales; its model takes {model.InputSize} features.", nameof(means));
        }

        for (int c = 0; c < model.InputSize; c++)
        {
            if (!float.IsFinite(means[c]) || !(scales[c] > 0f) || !float.IsFinite(scales[c]))
            {
                throw new ArgumentException($"Feature {c} has mean {means[c]} and scale {scales[c]}; expected a finite mean and a positive, finite scale.", nameof(means));
            }
        }

        Model = model;
        _means = means.ToArray();
        _scales = scales.ToArray();
        Iterations = iterations;
    }

    /// <summary>The network, trained on standardized columns.</summary>
    public AutoencoderModel Model { get; }

    /// <summary>Each column's mean over its observed training values: where filling starts.</summary>
    public IReadOnlyList<float> Means => _means;

    /// <summary>Each column's scale (its observed training values' standard deviation, floored at 1% of the columns' mean).</summary>
    public IReadOnlyList<float> Scales => _scales;

    /// <summary>Rounds of reconstruct-and-replace.</summary>
    public int Iterations { get; }

    /// <summary>Features per row.</summary>
    public int InputSize => Model.InputSize;

    /// <summary>
    /// Trains an imputer on <paramref name="training"/>, whose NaN values are missing: standardizes each column by its observed values,
    /// then trains the network with a loss over the observed values only.
    /// </summary>
    /// <param name="architecture">A dense, non-variational network with <see cref="AutoencoderArchitecture.InputSize"/> equal to the columns.</param>
    /// <param name="options">How to train (mean squared error; masking noise recommended).</param>
    /// <param name="training">The training rows; NaN marks a missing value, every column needs at least one observed value.</param>
    /// <param name="iterations">Rounds of reconstruct-and-replace when imputing.</param>
    /// <param name="validation">Rows to validate on after each epoch (NaN missing), or null.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The imputer and the training run's result.</returns>
    /// <exception cref="ArgumentException">A column is never observed, a value is infinite or too large, or the options do not suit imputation.</exception>
    public static (AutoencoderImputer Imputer, TrainingResult Training) Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        FeatureMatrix training,
        int iterations = DefaultIterations,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (training.ColumnCount != architecture.InputSize)
        {
            throw new ArgumentException($"The training data has {training.ColumnCount} features per row; the network expects {architecture.InputSize}.", nameof(training));
        }

        var trainer = new AutoencoderTrainer(architecture, options, missingValues: true, guessRounds: iterations - 1);
        CheckValues(training, "training data");
        if (validation != null)
        {
            CheckValues(validation, "validation data");
        }

        (float[] means, float[] scales) = ColumnStatistics.Of(training, "training data");
        TrainingResult result = trainer.Train(
            Standardize(training, means, scales), validation == null ? null : Standardize(validation, means, scales), progress, cancellationToken);
        return (new AutoencoderImputer(result.Model, means, scales, iterations), result);
    }

    /// <summary>Rows with their missing values filled; every other value is copied bit for bit.</summary>
    /// <exception cref="ArgumentException">The rows have the wrong width.</exception>
    public FeatureMatrix Impute(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var output = new float[rows.Values.Length];
        Impute(rows.Values, output);
        return new FeatureMatrix(output, rows.ColumnCount);
    }

    /// <summary>
    /// Writes <paramref name="rows"/> (row after row, <see cref="InputSize"/> values each) to <paramref name="output"/> with every NaN
    /// filled; every other value is copied bit for bit. The two may be the same memory.
    /// </summary>
    /// <exception cref="ArgumentException">A length is not a whole number of rows, or the two differ.</exception>
    public void Impute(ReadOnlySpan<float> rows, Span<float> output)
    {
        int features = InputSize;
        if (rows.Length % features != 0 || output.Length != rows.Length)
        {
            throw new ArgumentException($"The imputer takes whole rows of {features} features and writes as many values: got {rows.Length} values in and room for {output.Length}.", nameof(rows));
        }

        const int chunkRows = 1024;
        int chunk = Math.Min(rows.Length, chunkRows * features);
        float[] z = ArrayPool<float>.Shared.Rent(chunk);
        float[] reconstruction = ArrayPool<float>.Shared.Rent(chunk);
        float[] missing = ArrayPool<float>.Shared.Rent(chunk);
        try
        {
            for (int start = 0; start < rows.Length; start += chunk)
            {
                int length = Math.Min(chunk, rows.Length - start);
                ImputeChunk(rows.Slice(start, length), output.Slice(start, length), z.AsSpan(0, length), reconstruction.AsSpan(0, length), missing.AsSpan(0, length));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(z);
            ArrayPool<float>.Shared.Return(reconstruction);
            ArrayPool<float>.Shared.Return(missing);
        }
    }

    /// <summary>Imputes one chunk of rows: standardize, rounds of reconstruct-and-replace on the missing values, then fill only those.</summary>
    private void ImputeChunk(ReadOnlySpan<float> rows, Span<float> output, Span<float> z, Span<float> reconstruction, Span<float> missing)
    {
        if (!Standardize(rows, z, missing))
        {
            rows.CopyTo(output);
            return;
        }

        for (int i = 0; i < Iterations; i++)
        {
            Model.Reconstruct(z, reconstruction);

            // z += missing * (reconstruction - z): only the missing values move.
            TensorPrimitives.Subtract(reconstruction, z, reconstruction);
            TensorPrimitives.MultiplyAdd(reconstruction, missing, z, z);
        }

        // Back to the data's units, into the reconstruction buffer.
        int features = InputSize;
        for (int r = 0; r < rows.Length / features; r++)
        {
            Span<float> part = reconstruction.Slice(r * features, features);
            TensorPrimitives.MultiplyAdd(z.Slice(r * features, features), _scales, _means, part);
        }

        FillMissing(rows, reconstruction, output);
    }

    /// <summary>
    /// Standardizes <paramref name="rows"/> into <paramref name="z"/>, where a NaN (missing) or unusable value enters the network as 0, its
    /// column's mean; <paramref name="missing"/> is 1 where a NaN is to be filled. Returns whether any value is missing.
    /// </summary>
    private bool Standardize(ReadOnlySpan<float> rows, Span<float> z, Span<float> missing)
    {
        int features = InputSize;
        bool anyMissing = false;
        var limit = new Vector<float>(FeatureMatrix.MaxMagnitude);
        for (int r = 0; r < rows.Length / features; r++)
        {
            ReadOnlySpan<float> row = rows.Slice(r * features, features);
            Span<float> zRow = z.Slice(r * features, features);
            Span<float> mask = missing.Slice(r * features, features);
            TensorPrimitives.Subtract(row, _means, zRow);
            TensorPrimitives.Divide(zRow, _scales, zRow);
            int c = 0;
            for (; c <= features - Vector<float>.Count; c += Vector<float>.Count)
            {
                var value = new Vector<float>(row[c..]);
                var standardized = new Vector<float>(zRow[c..]);
                Vector<int> isMissing = ~Vector.Equals(value, value);
                Vector<int> usable = Vector.LessThanOrEqual(Vector.Abs(value), limit) & Vector.Equals(standardized - standardized, Vector<float>.Zero);
                anyMissing |= !Vector.EqualsAll(isMissing, Vector<int>.Zero);
                Vector.ConditionalSelect(isMissing, Vector<float>.One, Vector<float>.Zero).CopyTo(mask[c..]);
                Vector.ConditionalSelect(usable, standardized, Vector<float>.Zero).CopyTo(zRow[c..]);
            }

            for (; c < features; c++)
            {
                float value = row[c];
                bool isMissing = float.IsNaN(value);
                anyMissing |= isMissing;
                mask[c] = isMissing ? 1f : 0f;
                if (!(MathF.Abs(value) <= FeatureMatrix.MaxMagnitude) || !float.IsFinite(zRow[c]))
                {
                    zRow[c] = 0f;
                }
            }
        }

        return anyMissing;
    }

    /// <summary>
    /// Copies observed values bit for bit, never recomputed; a missing value takes the <paramref name="filled"/> one (its mean if the network
    /// gave a non-finite value).
    /// </summary>
    private void FillMissing(ReadOnlySpan<float> rows, ReadOnlySpan<float> filled, Span<float> output)
    {
        int features = InputSize;
        for (int r = 0; r < rows.Length / features; r++)
        {
            ReadOnlySpan<float> row = rows.Slice(r * features, features);
            ReadOnlySpan<float> guesses = filled.Slice(r * features, features);
            Span<float> target = output.Slice(r * features, features);
            int c = 0;
            for (; c <= features - Vector<float>.Count; c += Vector<float>.Count)
            {
                var value = new Vector<float>(row[c..]);
                var guess = new Vector<float>(guesses[c..]);
                Vector<float> fill = Vector.ConditionalSelect(Vector.Equals(guess - guess, Vector<float>.Zero), guess, new Vector<float>(_means.AsSpan(c)));
                Vector.ConditionalSelect(Vector.Equals(value, value), value, fill).CopyTo(target[c..]);
            }

            for (; c < features; c++)
            {
                float value = row[c];
                target[c] = !float.IsNaN(value) ? value : float.IsFinite(guesses[c]) ? guesses[c] : _means[c];
            }
        }
    }

    /// <summary>Refuses an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, naming its row and feature; NaN is a missing value.</summary>
    private static void CheckValues(FeatureMatrix data, string name)
    {
        if (data.FindUnusableExceptMissing() is (int row, int column))
        {
            float value = data.Row(row)[column];
            throw new ArgumentException(
                float.IsInfinity(value)
                    ? $"Row {row}, feature {column} of the {name} is {value}; the imputer reads NaN as a missing value, but an infinity is an error. Replace it (with NaN if it stands for a missing value) before training."
                    : $"Row {row}, feature {column} of the {name} is {value}; training needs magnitudes up to {FeatureMatrix.MaxMagnitude:G3}, because squared errors of larger values overflow single precision. Rescale the feature first.",
                name);
        }
    }

    /// <summary>(x - mean) / scale for each value, NaN kept as NaN (missing).</summary>
    private static FeatureMatrix Standardize(FeatureMatrix data, float[] means, float[] scales)
    {
        var values = new float[data.Values.Length];
        int features = data.ColumnCount;
        for (int r = 0; r < data.RowCount; r++)
        {
            Span<float> row = values.AsSpan(r * features, features);
            TensorPrimitives.Subtract(data.Row(r), means, row);
            TensorPrimitives.Divide(row, scales, row);
        }

        return new FeatureMatrix(values, features);
    }
}
