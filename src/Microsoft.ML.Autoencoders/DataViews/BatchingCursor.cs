using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// Reads up to a batch of rows ahead from one input cursor, computes the added columns once over them (a <see cref="RowBatch"/>), then hands
/// out one row at a time. Passthrough columns are cached per row of the batch, so they always match the current row, whatever the input
/// cursor is (shuffled, filtered, one of a parallel set). With no added column active it reads one row at a time and passes the input's
/// getters through.
/// </summary>
internal sealed class BatchingCursor : DataViewRowCursor
{
    private readonly OutputBinding _binding;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private readonly RowBatch? _batch;
    private readonly ColumnCache[] _caches = [];
    private readonly ValueGetter<DataViewRowId> _inputId;
    private readonly DataViewRowId[] _ids = [];
    private readonly long[] _batches = [];
    private int _count;
    private int _slot = -1;
    private long _position = -1;
    private bool _done;

    public BatchingCursor(OutputBinding binding, DataViewRowCursor input, bool[] active, int batchSize)
    {
        _binding = binding;
        _input = input;
        _active = active;
        _getters = new Delegate?[active.Length];
        _inputId = input.GetIdGetter();
        if (!binding.AnyAdded(active))
        {
            return;
        }

        _batch = binding.CreateBatch(input, active, batchSize);
        _ids = new DataViewRowId[batchSize];
        _batches = new long[batchSize];
        var caches = new List<ColumnCache>();
        Func<int> slot = CurrentSlot;
        int inputCount = binding.InputSchema.Count;
        for (int i = 0; i < active.Length; i++)
        {
            if (!active[i])
            {
                continue;
            }

            if (i < inputCount)
            {
                ColumnCache cache = ColumnCache.Create(input, input.Schema[i], batchSize);
                caches.Add(cache);
                _getters[i] = cache.CreateGetter(slot);
            }
            else
            {
                _getters[i] = _batch.CreateGetter(i - inputCount, slot);
            }
        }

        _caches = caches.ToArray();
    }

    public override DataViewSchema Schema => _binding.OutputSchema;

    public override long Position => _position;

    public override long Batch => _batch == null ? _input.Batch : _slot < 0 ? 0 : _batches[_slot];

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        _batch == null ? _inputId : (ref DataViewRowId value) => value = _ids[CurrentSlot()];

    public override bool IsColumnActive(DataViewSchema.Column column) => column.Index >= 0 && column.Index < _active.Length && _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
        {
            throw new InvalidOperationException($"Column \"{column.Name}\" is not active in this cursor; ask for it in the columns passed to GetRowCursor.");
        }

        if (_batch == null)
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

        if (_batch == null)
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

        return ReadBatch(_batch);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads up to a batch of rows and computes them; false when the input is at its end.</summary>
    private bool ReadBatch(RowBatch batch)
    {
        _count = 0;
        while (_count < batch.Capacity && _input.MoveNext())
        {
            batch.Read(_count);
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

        batch.Compute(_count);
        _slot = 0;
        _position++;
        return true;
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
