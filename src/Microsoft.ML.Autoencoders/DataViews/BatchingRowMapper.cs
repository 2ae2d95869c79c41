using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// The row-at-a-time mapping behind <c>PredictionEngine</c> and composite row mappers: each output row computes its added values, once per
/// input position, when a getter first asks for them; input columns pass through.
/// </summary>
internal sealed class BatchingRowMapper(OutputBinding binding) : IRowToRowMapper
{
    public DataViewSchema InputSchema => binding.InputSchema;

    public DataViewSchema OutputSchema => binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        return binding.InputColumnsFor(binding.Active(dependingColumns)).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        if (input.Schema.Count != InputSchema.Count)
        {
            throw new ArgumentException($"The input row has {input.Schema.Count} columns; this mapper was built for a schema of {InputSchema.Count}.", nameof(input));
        }

        return new MappedRow(binding, input, binding.Active(activeColumns));
    }

    private sealed class MappedRow : DataViewRow
    {
        private readonly OutputBinding _binding;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly Delegate?[] _getters;
        private readonly RowBatch? _batch;
        private long _computed = -1;

        public MappedRow(OutputBinding binding, DataViewRow input, bool[] active)
        {
            _binding = binding;
            _input = input;
            _active = active;
            _getters = new Delegate?[active.Length];
            if (!binding.AnyAdded(active))
            {
                return;
            }

            _batch = binding.CreateBatch(input, active, 1);
            int inputCount = binding.InputSchema.Count;
            for (int i = inputCount; i < active.Length; i++)
            {
                if (active[i])
                {
                    _getters[i] = _batch.CreateGetter(i - inputCount, Ensure);
                }
            }
        }

        public override DataViewSchema Schema => _binding.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index >= 0 && column.Index < _active.Length && _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
            {
                throw new InvalidOperationException($"Column \"{column.Name}\" is not active in this row; ask for it in the active columns passed to GetRow.");
            }

            if (column.Index < _binding.InputSchema.Count)
            {
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            }

            return _getters[column.Index] as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column \"{column.Name}\" is {column.Type}, read as {column.Type.RawType.Name}; a getter of {typeof(TValue).Name} was requested.");
        }

        private int Ensure()
        {
            long position = _input.Position;
            if (position < 0)
            {
                throw new InvalidOperationException("The input row is not on a row yet; its position is negative.");
            }

            if (position != _computed)
            {
                _batch!.Read(0);
                _batch.Compute(1);
                _computed = position;
            }

            return 0;
        }
    }
}
