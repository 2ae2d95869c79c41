using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// One cursor's (or one row's) buffers: up to <see cref="Capacity"/> rows of the source column read ahead, and the added columns computed for
/// them in one call. Getters hand out the values of the row at a slot the owner chooses.
/// </summary>
internal abstract class RowBatch
{
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly string _columnName;
    private VBuffer<float> _row;

    /// <summary>Buffers for <paramref name="capacity"/> rows of <paramref name="size"/> values of <paramref name="column"/> of <paramref name="input"/>.</summary>
    private protected RowBatch(DataViewRow input, DataViewSchema.Column column, int size, int capacity)
    {
        _getter = input.GetGetter<VBuffer<float>>(input.Schema[column.Index]);
        _columnName = column.Name;
        Size = size;
        Capacity = capacity;
        Source = new float[capacity * size];
    }

    /// <summary>Rows the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>Values per row of the source column.</summary>
    private protected int Size { get; }

    /// <summary>The rows read, one after another.</summary>
    private protected float[] Source { get; }

    /// <summary>Reads the input's current row into <paramref name="slot"/>.</summary>
    /// <exception cref="InvalidOperationException">The row's vector does not have the size the schema says.</exception>
    public void Read(int slot)
    {
        _getter(ref _row);
        if (_row.Length != Size)
        {
            throw new InvalidOperationException($"A row of column \"{_columnName}\" has {_row.Length} values; the schema and the model say {Size}.");
        }

        _row.CopyTo(Source.AsSpan(slot * Size, Size));
    }

    /// <summary>Computes the added columns of the first <paramref name="rows"/> slots.</summary>
    public abstract void Compute(int rows);

    /// <summary>A getter of added column <paramref name="added"/> (0 is the first) that reads the slot <paramref name="slot"/> returns.</summary>
    public abstract Delegate CreateGetter(int added, Func<int> slot);

    /// <summary>A getter of the <paramref name="size"/> values of a slot of <paramref name="source"/>.</summary>
    private protected static ValueGetter<VBuffer<float>> Vector(float[] source, int size, Func<int> slot) =>
        (ref VBuffer<float> value) =>
        {
            int row = slot();
            VBufferEditor<float> editor = VBufferEditor.Create(ref value, size);
            source.AsSpan(row * size, size).CopyTo(editor.Values);
            value = editor.Commit();
        };
}
