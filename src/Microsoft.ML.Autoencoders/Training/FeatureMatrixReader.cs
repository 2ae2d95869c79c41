using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>Reads a known-size float vector column of an <see cref="IDataView"/> into the engine's row-major <see cref="FeatureMatrix"/>.</summary>
internal static class FeatureMatrixReader
{
    /// <summary>Reads every usable row of <paramref name="column"/>, checked as <see cref="TrainingRowCursor"/> checks it.</summary>
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
        using (var cursor = new TrainingRowCursor(data, column, size, skipNonFinite, dataName, parameterName, nanIsMissing))
        {
            while (cursor.MoveNext(cancellationToken))
            {
                if ((long)(rows + 1) * size > values.Length)
                {
                    long grown = Math.Min(Math.Max(2L * values.Length, (long)(rows + 1) * size), Array.MaxLength / size * (long)size);
                    if (grown < (long)(rows + 1) * size)
                    {
                        throw new ArgumentException($"The {dataName} has more rows than one array of {size}-feature rows can hold.", parameterName);
                    }

                    Array.Resize(ref values, (int)grown);
                }

                cursor.Current.CopyTo(values.AsSpan(rows * size, size));
                rows++;
            }

            skipped = cursor.Skipped;
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
}
