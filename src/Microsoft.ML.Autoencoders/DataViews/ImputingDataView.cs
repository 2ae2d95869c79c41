using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>The lazy result of <see cref="AutoencoderImputingTransformer.Transform"/>: the input's columns plus the filled column.</summary>
internal sealed class ImputingDataView(ImputingBinding binding, IDataView source, int batchSize = AutoencoderDataView.DefaultBatchSize) : IDataView
{
    public bool CanShuffle => source.CanShuffle;

    public DataViewSchema Schema => binding.OutputSchema;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        bool[] active = binding.Active(columnsNeeded);
        return new ImputingCursor(binding, source.GetRowCursor(binding.InputColumnsFor(active), rand), active, batchSize);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        bool[] active = binding.Active(columnsNeeded);
        return source.GetRowCursorSet(binding.InputColumnsFor(active), n, rand)
            .Select(input => (DataViewRowCursor)new ImputingCursor(binding, input, active, batchSize)).ToArray();
    }
}
