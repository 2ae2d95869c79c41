using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// The training rows of an <see cref="IDataView"/> streamed to the engine a block at a time: each pass opens a cursor and
/// refills one buffer, so memory stays bounded for any row count. Rows are checked as <see cref="TrainingRowCursor"/> checks them.
/// </summary>
internal sealed class CursorBlockSource(
    IDataView data, DataViewSchema.Column column, int size, bool skipNonFinite, string dataName, string parameterName) : IRowBlockSource
{
    /// <inheritdoc/>
    public int ColumnCount => size;

    /// <summary>Rows skipped for NaN or an infinity in the last complete pass.</summary>
    public long SkippedRows { get; private set; }

    /// <summary>Rows handed out in the last complete pass.</summary>
    public long RowCount { get; private set; }

    /// <inheritdoc/>
    public IEnumerable<FeatureMatrix> ReadBlocks(int maxRows, CancellationToken cancellationToken)
    {
        float[] block = new float[checked(maxRows * size)];
        long handedOut = 0;
        int count = 0;
        using var cursor = new TrainingRowCursor(data, column, size, skipNonFinite, dataName, parameterName);
        while (cursor.MoveNext(cancellationToken))
        {
            cursor.Current.CopyTo(block.AsSpan(count * size, size));
            if (++count == maxRows)
            {
                handedOut += count;
                yield return new FeatureMatrix(block, size);
                count = 0;
            }
        }

        if (count > 0)
        {
            handedOut += count;
            yield return new FeatureMatrix(block[..(count * size)], size);
        }

        SkippedRows = cursor.Skipped;
        RowCount = handedOut;
    }
}
