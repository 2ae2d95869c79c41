namespace Microsoft.ML.Autoencoders.Training;

/// <summary>Thresholds from score quantiles, as PyOD learns them from <c>contamination</c>.</summary>
internal static class ScoreQuantile
{
    /// <summary>
    /// The <paramref name="quantile"/> quantile of the finite <paramref name="scores"/>, interpolated linearly between
    /// order statistics (numpy's default), so that about (1 - quantile) of the scores lie above it.
    /// </summary>
    /// <exception cref="ArgumentException">No score is finite.</exception>
    public static float Of(ReadOnlySpan<float> scores, double quantile, string dataName)
    {
        float[] sorted = new float[scores.Length];
        int n = 0;
        foreach (float score in scores)
        {
            if (float.IsFinite(score))
            {
                sorted[n++] = score;
            }
        }

        if (n == 0)
        {
            throw new ArgumentException($"No row of the {dataName} has a finite score, so no threshold can be learned from it; set {nameof(AutoencoderEstimator.Options.Threshold)} instead.");
        }

        Array.Sort(sorted, 0, n);
        double position = quantile * (n - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, n - 1);
        double fraction = position - below;
        return (float)(sorted[below] + (sorted[above] - (double)sorted[below]) * fraction);
    }
}
