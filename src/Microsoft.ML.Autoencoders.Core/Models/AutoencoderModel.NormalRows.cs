namespace Microsoft.ML.Autoencoders;

/// <summary>The one walk over rows known to be normal that error scales and code neighbours learn from.</summary>
public sealed partial class AutoencoderModel
{
    /// <summary>Receives the next chunk of at most <see cref="ChunkRows"/> checked normal rows, row-major.</summary>
    private delegate void NormalChunkAction(ReadOnlySpan<float> rows, int count);

    /// <summary>
    /// Hands every row of <paramref name="blocks"/> to <paramref name="action"/>, <see cref="ChunkRows"/> at a time, after checking each block's
    /// width and values; returns how many rows there were.
    /// </summary>
    /// <param name="blocks">The normal rows.</param>
    /// <param name="name">The argument the rows came from, for the exceptions.</param>
    /// <param name="learner">What learns from the rows ("scales", "code neighbours"), for the exceptions.</param>
    /// <param name="action">Receives each chunk.</param>
    /// <exception cref="ArgumentException">A block has the wrong width, or a row holds a NaN, infinite or too large value (the message names the row and feature).</exception>
    private long ForEachNormalChunk(IEnumerable<FeatureMatrix> blocks, string name, string learner, NormalChunkAction action)
    {
        long rows = 0;
        foreach (FeatureMatrix block in blocks)
        {
            if (block.ColumnCount != InputSize)
            {
                throw new ArgumentException($"The rows have {block.ColumnCount} features; the model expects {InputSize}.", name);
            }

            if (block.FindUnusable() is (int row, int column))
            {
                float value = block.Row(row)[column];
                throw new ArgumentException(
                    $"Row {rows + row}, feature {column} is {value}; {learner} need finite values of magnitude up to {FeatureMatrix.MaxMagnitude:G3}, as training does.", name);
            }

            for (int start = 0; start < block.RowCount; start += ChunkRows)
            {
                int count = Math.Min(ChunkRows, block.RowCount - start);
                action(block.Values.Slice(start * InputSize, count * InputSize), count);
            }

            rows += block.RowCount;
        }

        return rows;
    }
}
