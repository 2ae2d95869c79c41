namespace Microsoft.ML.Autoencoders.Models;

/// <summary>
/// What a model scoring by its code neighbours remembers of the normal rows: their codes, and for each part of the score (the mean squared
/// error, the scaled mean squared error when the model has error scales, and the mean distance of the code to its nearest normal codes) that
/// part's values over the normal rows, sorted, so that a new row's part becomes a surprise: -ln of the share of normal rows at or above it.
/// Immutable once built.
/// </summary>
internal sealed class CodeNeighbours
{
    /// <summary>The most neighbours a score may average over.</summary>
    public const int MaxNeighbourCount = 256;

    /// <summary>
    /// The most normal rows remembered: a seeded uniform sample of them when there are more. Scoring a row costs one dot product per remembered
    /// row, so this bounds both the model's size (MaxReferenceRows times the code size floats) and the scoring time, whatever the training set.
    /// </summary>
    public const int MaxReferenceRows = 10_000;

    /// <param name="neighbourCount">How many nearest normal codes a row's distance averages over.</param>
    /// <param name="search">The normal rows' codes, ready to search.</param>
    /// <param name="errors">The normal rows' mean squared errors, sorted ascending.</param>
    /// <param name="scaledErrors">The normal rows' scaled mean squared errors, sorted ascending; null for a model without error scales.</param>
    /// <param name="distances">Each normal row's mean distance to its nearest other normal codes, sorted ascending.</param>
    /// <param name="normalScores">Each normal row's score with itself left out of its neighbours, sorted ascending.</param>
    public CodeNeighbours(int neighbourCount, NearestCodes search, float[] errors, float[]? scaledErrors, float[] distances, float[] normalScores)
    {
        NeighbourCount = neighbourCount;
        Search = search;
        Errors = errors;
        ScaledErrors = scaledErrors;
        Distances = distances;
        NormalScores = normalScores;
    }

    /// <summary>How many nearest normal codes a row's distance averages over.</summary>
    public int NeighbourCount { get; }

    /// <summary>The normal rows' codes, ready to search.</summary>
    public NearestCodes Search { get; }

    /// <summary>Values per code.</summary>
    public int CodeSize => Search.CodeSize;

    /// <summary>How many normal rows are remembered.</summary>
    public int RowCount => Search.RowCount;

    /// <summary>The normal rows' codes, row-major.</summary>
    public ReadOnlySpan<float> Codes => Search.Codes;

    /// <summary>The normal rows' mean squared errors, sorted ascending.</summary>
    public float[] Errors { get; }

    /// <summary>The normal rows' scaled mean squared errors, sorted ascending; null for a model without error scales.</summary>
    public float[]? ScaledErrors { get; }

    /// <summary>Each normal row's mean distance to its <see cref="NeighbourCount"/> nearest other normal codes, sorted ascending.</summary>
    public float[] Distances { get; }

    /// <summary>Each normal row's score with itself left out of its neighbours, sorted ascending: what new normal rows score.</summary>
    public float[] NormalScores { get; }

    /// <summary>
    /// Writes into <paramref name="distances"/> the mean Euclidean distance from each of the <paramref name="rows"/> codes in
    /// <paramref name="codes"/> to its <see cref="NeighbourCount"/> nearest remembered codes (see <see cref="NearestCodes.MeanDistances"/>).
    /// </summary>
    public void MeanNeighbourDistances(ReadOnlySpan<float> codes, int rows, Span<float> distances) =>
        Search.MeanDistances(codes, rows, NeighbourCount, distances);

    /// <summary>The score of a row whose parts are <paramref name="error"/>, <paramref name="scaledError"/> and <paramref name="distance"/>, against this model's tables.</summary>
    public float Score(float error, float scaledError, float distance) => Score(Errors, ScaledErrors, Distances, error, scaledError, distance);

    /// <summary>
    /// The sum of the surprises of a row's mean squared error, scaled error (when there is a <paramref name="scaledErrors"/> table; otherwise
    /// <paramref name="scaledError"/> is not read) and code distance, each among the normal rows' sorted values.
    /// </summary>
    public static float Score(float[] errors, float[]? scaledErrors, float[] distances, float error, float scaledError, float distance)
    {
        float score = Surprise(errors, error) + Surprise(distances, distance);
        return scaledErrors != null ? score + Surprise(scaledErrors, scaledError) : score;
    }

    /// <summary>
    /// How surprising <paramref name="value"/> is among the sorted normal values <paramref name="sorted"/>: -ln(1 - F + 1 / (2n)), where F is the
    /// share of the n normal values below it. A typical normal value gives about 1 on average, one above every normal value ln(2n).
    /// </summary>
    private static float Surprise(ReadOnlySpan<float> sorted, float value)
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
