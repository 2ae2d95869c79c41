namespace Microsoft.ML.Autoencoders.Imputation;

/// <summary>
/// Each column's mean and spread over its observed (non-NaN) values: the imputer's first guess for a missing value, and the
/// standardization its network trains and runs on.
/// </summary>
internal static class ColumnStatistics
{
    /// <summary>A spread below this fraction of the columns' mean spread is raised to it, so near-constant columns do not blow up when standardized.</summary>
    private const double ScaleFloor = 0.01;

    /// <summary>The means and scales (standard deviations, floored; 1 for a constant table) of the observed values of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">A column has no observed value, so nothing can be learned about it.</exception>
    public static (float[] Means, float[] Scales) Of(FeatureMatrix data, string name)
    {
        int columns = data.ColumnCount;
        var sums = new double[columns];
        var counts = new long[columns];
        for (int r = 0; r < data.RowCount; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            for (int c = 0; c < columns; c++)
            {
                float value = row[c];
                if (!float.IsNaN(value))
                {
                    sums[c] += value;
                    counts[c]++;
                }
            }
        }

        for (int c = 0; c < columns; c++)
        {
            if (counts[c] == 0)
            {
                throw new ArgumentException(
                    $"Feature {c} of the {name} is missing (NaN) in all {data.RowCount} rows, so the imputer cannot learn anything to fill it with. Drop that feature, or train on rows where it is observed.",
                    name);
            }
        }

        var means = new double[columns];
        var squares = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            means[c] = sums[c] / counts[c];
        }

        for (int r = 0; r < data.RowCount; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            for (int c = 0; c < columns; c++)
            {
                float value = row[c];
                if (!float.IsNaN(value))
                {
                    double d = value - means[c];
                    squares[c] += d * d;
                }
            }
        }

        var spreads = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            spreads[c] = Math.Sqrt(squares[c] / counts[c]);
        }

        double floor = ScaleFloor * spreads.Average();
        var scales = new float[columns];
        for (int c = 0; c < columns; c++)
        {
            double scale = Math.Max(spreads[c], floor);
            scales[c] = scale > 0 && double.IsFinite(scale) ? (float)scale : 1f;
        }

        return (means.Select(m => (float)m).ToArray(), scales);
    }
}
