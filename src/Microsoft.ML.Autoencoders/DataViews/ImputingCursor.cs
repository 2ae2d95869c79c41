using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// Reads up to a batch of rows ahead from one input cursor, fills their missing values with one call to the imputer, then hands out one
/// row at a time. Passthrough columns are cached per row of the batch, so they always match the current row. When the filled column is
/// not active it passes the input through a row at a time.
/// </summary>
internal sealed class ImputingCursor : DataViewRowCursor
{
    private readonly ImputingBinding _binding;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private readonly bool _imputes;
    private readonly ColumnCache[] _caches = [];
    private readonly ValueGetter<DataViewRowId> _inputId;
    private readonly ValueGetter<VBuffer<float>>? _featureGetter;
    private readonly DataViewRowId[] _ids = [];
    private readonly long[] _batches = [];
    private readonly float[] _values = [];
    private readonly int _size;
    private readonly int _capacity;
    private VBuffer<float> _row;
    private int _count;
    private int _slot = -1;
    private long _position = -1;
    private bool _done;

    public ImputingCursor(ImputingBinding binding, DataViewRowCursor input, bool[] active, int batchSize)
    {
        _binding = binding;
        _input = input;
        _active = active;
        _getters = new Delegate?[active.Length];
        _inputId = input.GetIdGetter();
        _imputes = active[binding.OutputIndex];
        if (!_imputes)
        {
            return;
        }

        _size = binding.Transformer.Imputer.InputSize;
        _capacity = batchSize;
        _values = new float[batchSize * _size];
        _ids = new DataViewRowId[batchSize];
        _batches = new long[batchSize];
        _featureGetter = input.GetGetter<VBuffer<float>>(binding.InputColumn);
        var caches = new List<ColumnCache>();
        Func<int> slot = CurrentSlot;
        for (int i = 0; i < binding.InputSchema.Count; i++)
        {
            if (active[i])
            {
                ColumnCache cache = ColumnCache.Create(input, input.Schema[i], batchSize);
                caches.Add(cache);
                _getters[i] = cache.CreateGetter(slot);
            }
        }

        int size = _size;
        float[] values = _values;
        _getters[binding.OutputIndex] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            int row = CurrentSlot();
            VBufferEditor<float> editor = VBufferEditor.Create(ref value, size);
            values.AsSpan(row * size, size).CopyTo(editor.Values);
            value = editor.Commit();
        });
        _caches = caches.ToArray();
    }

    public override DataViewSchema Schema => _binding.OutputSchema;

    public override long Position => _position;

    public override long Batch => !_imputes ? _input.Batch : _slot < 0 ? 0 : _batches[_slot];

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        !_imputes ? _inputId : (ref DataViewRowId value) => value = _ids[CurrentSlot()];

    public override bool IsColumnActive(DataViewSchema.Column column) => column.Index >= 0 && column.Index < _active.Length && _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
        {
            throw new InvalidOperationException($"Column \"{column.Name}\" is not active in this cursor; ask for it in the columns passed to GetRowCursor.");
        }

        if (!_imputes)
        {
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        }

        return _getters[column.Index] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column \"{column.Name}\" is {column.Type}, read as {column.Type.RawType.Name}; a getter of {typeof(TValue).Name} was requested.");
    }

    public override bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        if (!_imputes)
        {
            if (_input.MoveNext())
            {
                _position++;
                return true;
            }

            _done = true;
            return false;
        }

        if (_slot + 1 < _count)
        {
            _slot++;
            _position++;
            return true;
        }

        _count = 0;
        while (_count < _capacity && _input.MoveNext())
        {
            _featureGetter!(ref _row);
            if (_row.Length != _size)
            {
                throw new InvalidOperationException($"A row of column \"{_binding.InputColumn.Name}\" has {_row.Length} values; the schema and the imputer say {_size}.");
            }

            _row.CopyTo(_values.AsSpan(_count * _size, _size));
            foreach (ColumnCache cache in _caches)
            {
                cache.Fill(_count);
            }

            _inputId(ref _ids[_count]);
            _batches[_count] = _input.Batch;
            _count++;
        }

        if (_count == 0)
        {
            _done = true;
            _slot = -1;
            return false;
        }

        Span<float> batch = _values.AsSpan(0, _count * _size);
        _binding.Transformer.Imputer.Impute(batch, batch);
        _slot = 0;
        _position++;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    private int CurrentSlot()
    {
        if (_slot < 0)
        {
            throw new InvalidOperationException("The cursor is not on a row: call MoveNext first, and read values only while it returns true.");
        }

        return _slot;
    }
}
