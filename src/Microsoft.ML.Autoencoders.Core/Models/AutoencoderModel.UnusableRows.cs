namespace Microsoft.ML.Autoencoders;

/// <summary>The one rule for scoring rows the model cannot use.</summary>
public sealed partial class AutoencoderModel
{
    /// <summary>
    /// The score of a row holding NaN, an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/> (a value training refuses), and of a
    /// row whose error overflows single precision: <see cref="float.MaxValue"/>. It ranks above every measurable score and is flagged by every
    /// threshold below it, and it is finite because ML.NET's anomaly detection evaluator drops rows whose score is NaN or infinite.
    /// </summary>
    public const float UnusableRowScore = float.MaxValue;

    /// <summary>
    /// The rule for a row holding a value training refuses (NaN, an infinity, or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>): it
    /// scores <see cref="UnusableRowScore"/>, and its feature errors are +infinity at exactly those features and NaN at the others (the network's
    /// output for such a row means nothing, so neither would its errors). Any other row whose score came out NaN or +infinity (an overflow)
    /// saturates at <see cref="UnusableRowScore"/> too: no score is NaN or infinite. Applied after every kind of score (mean squared error,
    /// scaled, negative ELBO, importance-weighted), with one vectorized scan of the rows; rows without a bad value are not touched.
    /// </summary>
    private void MarkUnusableRows(ReadOnlySpan<float> inputs, int rows, Span<float> scores, Span<float> featureErrors)
    {
        int n = InputSize;
        int end = rows * n;
        for (int offset = 0; offset < end;)
        {
            int found = FeatureMatrix.UnusableIndex(inputs[offset..end]);
            if (found < 0)
            {
                break;
            }

            int row = (offset + found) / n;
            if (!scores.IsEmpty)
            {
                scores[row] = UnusableRowScore;
            }

            if (!featureErrors.IsEmpty)
            {
                ReadOnlySpan<float> x = inputs.Slice(row * n, n);
                Span<float> errors = featureErrors.Slice(row * n, n);
                for (int j = 0; j < n; j++)
                {
                    // NaN fails the comparison, so NaN and both infinities are marked with the huge values.
                    errors[j] = MathF.Abs(x[j]) <= FeatureMatrix.MaxMagnitude ? float.NaN : float.PositiveInfinity;
                }
            }

            offset = (row + 1) * n;
        }

        for (int r = 0; r < scores.Length; r++)
        {
            // False for NaN and +infinity alike.
            if (!(scores[r] < float.PositiveInfinity))
            {
                scores[r] = UnusableRowScore;
            }
        }
    }
}
