using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>The lazy result of <see cref="AutoencoderTransformer.Transform"/>: the input's columns plus the autoencoder's.</summary>
internal sealed class AutoencoderDataView : IDataView
{
    /// <summary>Rows read ahead and run through the model at once.</summary>
    internal const int DefaultBatchSize = 1024;

    private readonly AutoencoderBinding _binding;
    private readonly IDataView _source;
    private readonly int _batchSize;

    public AutoencoderDataView(AutoencoderBinding binding, IDataView source, int batchSize = DefaultBatchSize)
    {
        _binding = binding;
        _source = source;
        _batchSize = batchSize;
    }

    public bool CanShuffle => _source.CanShuffle;

    public DataViewSchema Schema => _binding.OutputSchema;

    public long? GetRowCount() => _source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        Func<int, bool> active = _binding.Predicate(columnsNeeded);
        RoleSet roles = _binding.ActiveRoles(active);
        DataViewRowCursor input = _source.GetRowCursor(_binding.InputColumnsFor(active, roles), rand);
        return new BatchingCursor(_binding, input, active, roles, _batchSize);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        Func<int, bool> active = _binding.Predicate(columnsNeeded);
        RoleSet roles = _binding.ActiveRoles(active);
        DataViewRowCursor[] inputs = _source.GetRowCursorSet(_binding.InputColumnsFor(active, roles), n, rand);
        return inputs.Select(input => (DataViewRowCursor)new BatchingCursor(_binding, input, active, roles, _batchSize)).ToArray();
    }
}
