using System.Numerics.Tensors;

namespace Microsoft.ML.Autoencoders.Models;

/// <summary>
/// What a model scoring by its code neighbours remembers of the normal rows: their codes, and for each part of the score (the mean squared
/// error, the scaled mean squared error when the model has error scales, and the mean distance of the code to its nearest normal codes) that
/// part's values over the normal rows, sorted, so that a new row's part becomes a surprise: -ln of the share of normal rows at or above it.
/// Immutable once built.
/// </summary>
internal sealed class CodeNeighbours
{
    /// <summary>The most neighbours a score may average over: the running k smallest distances live on the stack.</summary>
    public const int MaxNeighbourCount = 256;

    /// <summary>
    /// The most normal rows remembered: a seeded uniform sample of them when there are more. Scoring a row costs one dot product per remembered
    /// row, so this bounds both the model's size (MaxReferenceRows times the code size floats) and the scoring time, whatever the training set.
    /// </summary>
    public const int MaxReferenceRows = 10_000;

    private readonly float[] _codes;
    private readonly float[] _codeNorms;

    /// <param name="neighbourCount">How many nearest normal codes a row's distance averages over.</param>
    /// <param name="codeSize">Values per code.</param>
    /// <param name="codes">The normal rows' codes, row-major.</param>
    /// <param name="errors">The normal rows' mean squared errors, sorted ascending.</param>
    /// <param name="scaledErrors">The normal rows' scaled mean squared errors, sorted ascending; null for a model without error scales.</param>
    /// <param name="distances">Each normal row's mean distance to its nearest other normal codes, sorted ascending.</param>
    /// <param name="normalScores">Each normal row's score with itself left out of its neighbours, sorted ascending.</param>
    public CodeNeighbours(int neighbourCount, int codeSize, float[] codes, float[] errors, float[]? scaledErrors, float[] distances, float[] normalScores)
    {
        NormalScores = normalScores;
        NeighbourCount = neighbourCount;
        CodeSize = codeSize;
        _codes = codes;
        Errors = errors;
        ScaledErrors = scaledErrors;
        Distances = distances;
        int rows = codes.Length / codeSize;
        _codeNorms = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> code = codes.AsSpan(r * codeSize, codeSize);
            _codeNorms[r] = TensorPrimitives.Dot(code, code);
        }
    }

    /// <summary>How many nearest normal codes a row's distance averages over.</summary>
    public int NeighbourCount { get; }

    /// <summary>Values per code.</summary>
    public int CodeSize { get; }

    /// <summary>How many normal rows are remembered.</summary>
    public int RowCount => _codeNorms.Length;

    /// <summary>The normal rows' codes, row-major.</summary>
    public ReadOnlySpan<float> Codes => _codes;

    /// <summary>The normal rows' mean squared errors, sorted ascending.</summary>
    public float[] Errors { get; }

    /// <summary>The normal rows' scaled mean squared errors, sorted ascending; null for a model without error scales.</summary>
    public float[]? ScaledErrors { get; }

    /// <summary>Each normal row's mean distance to its <see cref="NeighbourCount"/> nearest other normal codes, sorted ascending.</summary>
    public float[] Distances { get; }

    /// <summary>Each normal row's score with itself left out of its neighbours, sorted ascending: what new normal rows score.</summary>
    public float[] NormalScores { get; }

    /// <summary>
    /// The mean Euclidean distance from <paramref name="code"/> to its <see cref="NeighbourCount"/> nearest remembered codes, leaving out
    /// remembered row <paramref name="skipRow"/> (-1 leaves none out). Allocation-free.
    /// </summary>
    public float MeanNeighbourDistance(ReadOnlySpan<float> code, int skipRow = -1) =>
        MeanNeighbourDistance(code, _codes, _codeNorms, NeighbourCount, skipRow);

    /// <summary>
    /// The mean Euclidean distance from <paramref name="code"/> to its <paramref name="neighbourCount"/> nearest rows of
    /// <paramref name="codes"/> (whose squared norms are <paramref name="codeNorms"/>), leaving out row <paramref name="skipRow"/>.
    /// </summary>
    public static float MeanNeighbourDistance(ReadOnlySpan<float> code, ReadOnlySpan<float> codes, ReadOnlySpan<float> codeNorms, int neighbourCount, int skipRow)
    {
        int codeSize = code.Length;
        Span<float> nearest = stackalloc float[neighbourCount];
        nearest.Fill(float.PositiveInfinity);
        float worst = float.PositiveInfinity;
        float norm = TensorPrimitives.Dot(code, code);
        for (int r = 0; r < codeNorms.Length; r++)
        {
            if (r == skipRow)
            {
                continue;
            }

            // Squared distance as |a|^2 + |b|^2 - 2 a.b: one dot product per remembered code.
            float squared = norm + codeNorms[r] - 2 * TensorPrimitives.Dot(code, codes.Slice(r * codeSize, codeSize));
            if (squared < worst)
            {
                int i = neighbourCount - 1;
                while (i > 0 && nearest[i - 1] > squared)
                {
                    nearest[i] = nearest[i - 1];
                    i--;
                }

                nearest[i] = squared;
                worst = nearest[neighbourCount - 1];
            }
        }

        float sum = 0;
        foreach (float squared in nearest)
        {
            sum += MathF.Sqrt(MathF.Max(squared, 0));
        }

        return sum / neighbourCount;
    }

    /// <summary>
    /// How surprising <paramref name="value"/> is among the sorted normal values <paramref name="sorted"/>: -ln(1 - F + 1 / (2n)), where F is the
    /// share of the n normal values below it. A typical normal value gives about 1 on average, one above every normal value ln(2n).
    /// </summary>
    public static float Surprise(ReadOnlySpan<float> sorted, float value)
    {
        int below = 0, end = sorted.Length;
        while (below < end)
        {
            int middle = (below + end) >>> 1;
            if (sorted[middle] < value)
            {
                below = middle + 1;
            }
            else
            {
                end = middle;
            }
        }

        double n = sorted.Length;
        return (float)-Math.Log(1 - below / n + 0.5 / n);
    }
}
