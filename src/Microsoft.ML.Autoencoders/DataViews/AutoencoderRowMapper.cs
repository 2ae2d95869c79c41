using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// The row-at-a-time mapping behind <c>PredictionEngine</c> and composite row mappers: each output row computes its
/// values, once per input position, when a getter first asks for them.
/// </summary>
internal sealed class AutoencoderRowMapper : IRowToRowMapper
{
    private readonly AutoencoderBinding _binding;

    public AutoencoderRowMapper(AutoencoderBinding binding) => _binding = binding;

    public DataViewSchema InputSchema => _binding.InputSchema;

    public DataViewSchema OutputSchema => _binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        Func<int, bool> active = _binding.Predicate(dependingColumns);
        return _binding.InputColumnsFor(active, _binding.ActiveRoles(active)).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        if (input.Schema.Count != InputSchema.Count)
        {
            throw new ArgumentException($"The input row has {input.Schema.Count} columns; this mapper was built for a schema of {InputSchema.Count}.", nameof(input));
        }

        return new MappedRow(_binding, input, _binding.Predicate(activeColumns));
    }

    private sealed class MappedRow : DataViewRow
    {
        private readonly AutoencoderBinding _binding;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly Delegate?[] _getters;
        private readonly BatchOutputs? _outputs;
        private long _computed = -1;

        public MappedRow(AutoencoderBinding binding, DataViewRow input, Func<int, bool> active)
        {
            _binding = binding;
            _input = input;
            _active = binding.ActiveFlags(active);

            _getters = new Delegate?[_active.Length];
            RoleSet roles = binding.ActiveRoles(active);
            if (roles.IsEmpty)
            {
                return;
            }

            _outputs = new BatchOutputs(binding, input, roles, 1);
            int inputCount = binding.InputSchema.Count;
            for (int i = inputCount; i < _active.Length; i++)
            {
                if (_active[i])
                {
                    _getters[i] = _outputs.CreateGetter(binding.Roles[i - inputCount], Ensure);
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
                _outputs!.ReadFeatures(0);
                _outputs.Compute(1);
                _computed = position;
            }

            return 0;
        }
    }
}
