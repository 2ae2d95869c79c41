using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// The row-at-a-time mapping behind <c>PredictionEngine</c>: the filled column is computed once per input position, when its getter first
/// asks for it; input columns pass through.
/// </summary>
internal sealed class ImputingRowMapper(ImputingBinding binding) : IRowToRowMapper
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
        private readonly ImputingBinding _binding;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly ValueGetter<VBuffer<float>>? _featureGetter;
        private readonly float[] _values;
        private VBuffer<float> _row;
        private long _computed = -1;

        public MappedRow(ImputingBinding binding, DataViewRow input, bool[] active)
        {
            _binding = binding;
            _input = input;
            _active = active;
            _values = new float[binding.Transformer.Imputer.InputSize];
            if (active[binding.OutputIndex])
            {
                _featureGetter = input.GetGetter<VBuffer<float>>(binding.InputColumn);
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

            if (column.Index < _binding.OutputIndex)
            {
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            }

            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                Ensure();
                VBufferEditor<float> editor = VBufferEditor.Create(ref value, _values.Length);
                _values.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column \"{column.Name}\" is {column.Type}; a getter of {typeof(TValue).Name} was requested.");
        }

        private void Ensure()
        {
            if (_computed == _input.Position)
            {
                return;
            }

            _featureGetter!(ref _row);
            if (_row.Length != _values.Length)
            {
                throw new InvalidOperationException($"A row of column \"{_binding.InputColumn.Name}\" has {_row.Length} values; the schema and the imputer say {_values.Length}.");
            }

            _row.CopyTo(_values);
            _binding.Transformer.Imputer.Impute(_values, _values);
            _computed = _input.Position;
        }
    }
}
