using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Models;

namespace Microsoft.ML.Autoencoders;

/// <summary>Scores that also ask how far a row's code lies from the codes of normal rows, not only how well the row is rebuilt.</summary>
public sealed partial class AutoencoderModel
{
    private readonly CodeNeighbours? _codeNeighbours;

    /// <summary>
    /// How many nearest normal codes the score measures a row's code against (see <see cref="WithCodeNeighbours(FeatureMatrix, int)"/>);
    /// 0 when the score is the reconstruction error alone.
    /// </summary>
    public int CodeNeighbourCount => _codeNeighbours?.NeighbourCount ?? 0;

    /// <summary>
    /// The scores of the normal rows the code neighbours keep, each scored with itself left out of its neighbours, sorted ascending; null when
    /// <see cref="CodeNeighbourCount"/> is 0. A kept row is its own nearest code, so <see cref="Score(FeatureMatrix)"/> gives it less than a
    /// new row like it; these are what new normal rows score, and a quantile of them is a threshold for new data (ML.NET's
    /// <c>Contamination</c> threshold is one).
    /// </summary>
    public IReadOnlyList<float>? KeptNormalRowScores => _codeNeighbours?.NormalScores;

    /// <summary>The normal rows' codes and part values the score compares against; null when <see cref="CodeNeighbourCount"/> is 0.</summary>
    internal CodeNeighbours? CodeNeighbourReference => _codeNeighbours;

    /// <summary>
    /// A model with the same weights and error scales whose <see cref="Score(ReadOnlySpan{float}, Span{float}, Span{float})"/> adds up how
    /// surprising each of these is next to its values on <paramref name="normalRows"/>: the row's mean squared error; with
    /// <see cref="ErrorScales"/>, its scaled mean squared error too; and the mean Euclidean distance from the row's code to its
    /// <paramref name="neighbourCount"/> nearest codes of <paramref name="normalRows"/> (for a normal row itself, to the nearest others).
    /// A value's surprise is -ln(1 - F + 1 / (2n)), F the share of the n normal rows whose value is below it: about 1 on average for a
    /// normal row, at most ln(2n) per part. An anomaly the network rebuilds well but encodes far from every normal row is caught by the
    /// distance; on Fashion-MNIST a shallow 784-32 autoencoder with error scales goes from a one-class AUROC of 92.6 to 93.6.
    /// The model keeps the codes of at most 10,000 normal rows (a seeded uniform sample of them when there are more; the parts' distributions
    /// come from the same rows), 4 bytes per code value, and scoring a row costs one dot product per kept row: pass the training rows, or
    /// other rows known to be normal. The per-feature errors are unchanged.
    /// Call <see cref="WithErrorScales(FeatureMatrix)"/> first, if at all: the neighbour reference depends on the scales.
    /// </summary>
    /// <param name="normalRows">Rows known to be normal; more than <paramref name="neighbourCount"/> of them.</param>
    /// <param name="neighbourCount">How many nearest normal codes a row's distance averages over, 1 to 256.</param>
    /// <exception cref="ArgumentException">The rows have the wrong width, an unusable value, or no more than <paramref name="neighbourCount"/> rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="neighbourCount"/> is below 1 or above 256.</exception>
    /// <exception cref="InvalidOperationException">The model is variational: it scores by its negative ELBO.</exception>
    public AutoencoderModel WithCodeNeighbours(FeatureMatrix normalRows, int neighbourCount = 20)
    {
        ArgumentNullException.ThrowIfNull(normalRows);
        return WithCodeNeighbours([normalRows], neighbourCount, nameof(normalRows));
    }

    /// <summary>As <see cref="WithCodeNeighbours(FeatureMatrix, int)"/>, over rows streamed a block at a time.</summary>
    /// <exception cref="ArgumentException">The rows have the wrong width, an unusable value, or no more than <paramref name="neighbourCount"/> rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="neighbourCount"/> is below 1 or above 256, or <paramref name="blockRows"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The model is variational: it scores by its negative ELBO.</exception>
    public AutoencoderModel WithCodeNeighbours(IRowBlockSource normalRows, int neighbourCount = 20, int blockRows = 65_536, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(normalRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockRows);
        return WithCodeNeighbours(normalRows.ReadBlocks(blockRows, cancellationToken), neighbourCount, nameof(normalRows));
    }

    private AutoencoderModel WithCodeNeighbours(IEnumerable<FeatureMatrix> blocks, int neighbourCount, string name)
    {
        if (neighbourCount is < 1 or > CodeNeighbours.MaxNeighbourCount)
        {
            throw new ArgumentOutOfRangeException(nameof(neighbourCount), neighbourCount, $"The neighbour count must be from 1 to {CodeNeighbours.MaxNeighbourCount}.");
        }

        if (!_network.ScoresByReconstructionError)
        {
            throw new InvalidOperationException("A variational autoencoder scores by its negative ELBO, not by reconstruction errors; code neighbours do not apply to it.");
        }

        // A seeded uniform sample (reservoir) of at most MaxReferenceRows normal rows: it bounds the model's size and the cost of scoring a row
        // whatever the number of training rows, and holds every row when there are fewer.
        var sample = new ReferenceSample(CodeNeighbours.MaxReferenceRows, CodeSize, _errorWeights != null);
        var chunkCodes = new float[ChunkRows * CodeSize];
        var reconstructions = new float[ChunkRows * InputSize];
        var scores = new float[ChunkRows];
        long rows = ForEachNormalChunk(blocks, name, "code neighbours", (x, count) =>
        {
            // This model has no neighbours yet, so its score is the (scaled) mean squared error.
            Run(x, chunkCodes.AsSpan(0, count * CodeSize), reconstructions.AsSpan(0, count * InputSize), scores.AsSpan(0, count), default);
            for (int r = 0; r < count; r++)
            {
                float error = MeanSquaredError(x.Slice(r * InputSize, InputSize), reconstructions.AsSpan(r * InputSize, InputSize));
                sample.Offer(chunkCodes.AsSpan(r * CodeSize, CodeSize), error, scores[r]);
            }
        });

        if (rows <= neighbourCount)
        {
            throw new ArgumentException($"There are {rows} normal rows; scoring by {neighbourCount} code neighbours needs more than {neighbourCount}, since each normal row is measured against the others.", name);
        }

        (float[] codes, float[] errors, float[]? scaledErrors) = sample.Take();
        var search = new NearestCodes(codes, CodeSize);
        float[] distances = search.LeaveOneOutDistances(neighbourCount);
        // The tables are the parts' sorted values; each kept row's leave-one-out score looks its own parts up in them.
        float[] errorTable = Sorted(errors), distanceTable = Sorted(distances);
        float[]? scaledTable = scaledErrors != null ? Sorted(scaledErrors) : null;
        var normalScores = new float[errors.Length];
        for (int r = 0; r < normalScores.Length; r++)
        {
            normalScores[r] = CodeNeighbours.Score(errorTable, scaledTable, distanceTable, errors[r], scaledErrors?[r] ?? 0f, distances[r]);
        }

        Array.Sort(normalScores);
        return new AutoencoderModel(Architecture, _parameters, _errorScales, new CodeNeighbours(neighbourCount, search, errorTable, scaledTable, distanceTable, normalScores));
    }

    /// <summary>A sorted copy of <paramref name="values"/>.</summary>
    private static float[] Sorted(float[] values)
    {
        float[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>Replaces each row's (scaled) mean squared error in <paramref name="scores"/> by the sum of its parts' surprises.</summary>
    private void AddNeighbourSurprises(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> codes, int rows, Span<float> scores)
    {
        CodeNeighbours reference = _codeNeighbours!;
        Span<float> distances = stackalloc float[rows];
        reference.MeanNeighbourDistances(codes, rows, distances);
        for (int r = 0; r < rows; r++)
        {
            // scores[r] holds the network's score so far: the scaled mean squared error when the model has error scales.
            float error = MeanSquaredError(x.Slice(r * InputSize, InputSize), y.Slice(r * InputSize, InputSize));
            scores[r] = reference.Score(error, scores[r], distances[r]);
        }
    }

    /// <summary>Rents room for a band's codes when the caller did not ask for them but the score needs them; null otherwise.</summary>
    private float[]? RentCodesForNeighbours(int count, Span<float> codes, Span<float> scores) =>
        _codeNeighbours != null && !scores.IsEmpty && codes.IsEmpty ? ArrayPool<float>.Shared.Rent(count * CodeSize) : null;

    private float MeanSquaredError(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float distance = TensorPrimitives.Distance(x, y);
        return distance * distance / InputSize;
    }
}
