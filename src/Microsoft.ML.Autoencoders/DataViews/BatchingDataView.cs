using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// The lazy result of <see cref="AutoencoderTransformer.Transform"/> and <see cref="AutoencoderImputingTransformer.Transform"/>: the
/// input's columns plus the added ones, computed a batch of rows at a time by a <see cref="BatchingCursor"/>.
/// </summary>
internal sealed class BatchingDataView(OutputBinding binding, IDataView source, int batchSize = BatchingDataView.DefaultBatchSize) : IDataView
{
    /// <summary>Rows read ahead and computed at once.</summary>
    internal const int DefaultBatchSize = 1024;

    public bool CanShuffle => source.CanShuffle;

    public DataViewSchema Schema => binding.OutputSchema;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        bool[] active = binding.Active(columnsNeeded);
        return new BatchingCursor(binding, source.GetRowCursor(binding.InputColumnsFor(active), rand), active, batchSize);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        bool[] active = binding.Active(columnsNeeded);
        return source.GetRowCursorSet(binding.InputColumnsFor(active), n, rand)
            .Select(input => (DataViewRowCursor)new BatchingCursor(binding, input, active, batchSize)).ToArray();
    }
}
