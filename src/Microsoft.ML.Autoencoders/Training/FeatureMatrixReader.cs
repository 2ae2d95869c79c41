using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>Reads a known-size float vector column of an <see cref="IDataView"/> into the engine's row-major <see cref="FeatureMatrix"/>.</summary>
internal static class FeatureMatrixReader
{
    /// <summary>Reads every row of <paramref name="column"/>.</summary>
    /// <param name="data">The data.</param>
    /// <param name="column">A known-size vector of float column of <paramref name="data"/>.</param>
    /// <param name="size">The vector size.</param>
    /// <param name="skipNonFinite">Skip rows holding NaN or an infinity instead of throwing.</param>
    /// <param name="dataName">How messages name the data ("training data", "validation data").</param>
    /// <param name="parameterName">The argument that carried <paramref name="data"/>.</param>
    /// <param name="skipped">How many rows were skipped.</param>
    /// <param name="cancellationToken">Checked before every row.</param>
    /// <param name="nanIsMissing">Whether NaN marks a missing value, read as it is (an imputer's training data); infinities stay errors.</param>
    /// <exception cref="ArgumentException">A row holds NaN or an infinity and <paramref name="skipNonFinite"/> is false, a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, or no row is left.</exception>
    public static FeatureMatrix Read(IDataView data, DataViewSchema.Column column, int size, bool skipNonFinite, string dataName, string parameterName, out long skipped, CancellationToken cancellationToken = default, bool nanIsMissing = false)
    {
        long? count = data.GetRowCount();
        float[] values = new float[checked((int)Math.Min((count ?? 1024) * size, Array.MaxLength / size * (long)size))];
        int rows = 0;
        skipped = 0;
        long row = -1;
        var buffer = default(VBuffer<float>);
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            getter(ref buffer);
            if ((long)(rows + 1) * size > values.Length)
            {
                long grown = Math.Min(Math.Max(2L * values.Length, (long)(rows + 1) * size), Array.MaxLength / size * (long)size);
                if (grown < (long)(rows + 1) * size)
                {
                    throw new ArgumentException($"The {dataName} has more rows than one array of {size}-feature rows can hold.", parameterName);
                }

                Array.Resize(ref values, (int)grown);
            }

            Span<float> target = values.AsSpan(rows * size, size);
            buffer.CopyTo(target);
            if (!IsUsable(target, row, column, skipNonFinite, dataName, parameterName, nanIsMissing))
            {
                skipped++;
                continue;
            }

            rows++;
        }

        if (rows == 0)
        {
            throw new ArgumentException(
                skipped > 0 ? $"All {skipped} rows of the {dataName} hold NaN or an infinity in column \"{column.Name}\"; no row is left to train on." : $"The {dataName} has no rows; the autoencoder needs at least one.",
                parameterName);
        }

        if (values.Length != rows * size)
        {
            Array.Resize(ref values, rows * size);
        }

        return new FeatureMatrix(values, size);
    }

    /// <summary>
    /// Whether the row's features can be trained on: false for NaN or an infinity when <paramref name="skipNonFinite"/>;
    /// otherwise such a value, or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, throws naming row, index and column.
    /// </summary>
    /// <exception cref="ArgumentException">The row holds a value training cannot use.</exception>
    public static bool IsUsable(ReadOnlySpan<float> target, long row, DataViewSchema.Column column, bool skipNonFinite, string dataName, string parameterName, bool nanIsMissing = false)
    {
        int bad = IndexOfNonFinite(target, nanIsMissing);
        if (bad >= 0)
        {
            if (!skipNonFinite)
            {
                throw new ArgumentException(
                    nanIsMissing
                        ? $"Row {row} of the {dataName} has {target[bad]} at index {bad} of column \"{column.Name}\"; the imputer reads NaN as a missing value, but an infinity is an error. Replace it (with NaN if it stands for a missing value) before training."
                        : $"Row {row} of the {dataName} has {target[bad]} at index {bad} of column \"{column.Name}\"; training needs finite values. Remove or impute such rows (e.g. mlContext.Transforms.ReplaceMissingValues), or set {nameof(AutoencoderEstimator.Options.SkipNonFiniteRows)} = true to skip them.",
                    parameterName);
            }

            return false;
        }

        bad = IndexOfHuge(target);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Row {row} of the {dataName} has {target[bad]} at index {bad} of column \"{column.Name}\"; training needs magnitudes up to {FeatureMatrix.MaxMagnitude:G3}, because squared errors of larger values overflow single precision. Standardize the features first (e.g. mlContext.Transforms.NormalizeMeanVariance).",
                parameterName);
        }

        return true;
    }

    private static int IndexOfHuge(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (MathF.Abs(values[i]) > FeatureMatrix.MaxMagnitude)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values, bool nanIsMissing)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]) && !(nanIsMissing && float.IsNaN(values[i])))
            {
                return i;
            }
        }

        return -1;
    }
}
