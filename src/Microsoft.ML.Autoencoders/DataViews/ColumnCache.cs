using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// Holds the values of one passthrough input column for every row of a read-ahead batch, so that the cursor's getters
/// still give the current row's value after the input cursor has moved on to the end of the batch.
/// </summary>
internal abstract class ColumnCache
{
    private static readonly MethodInfo ScalarFactory = typeof(ColumnCache).GetMethod(nameof(CreateScalar), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo VectorFactory = typeof(ColumnCache).GetMethod(nameof(CreateVector), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Copies the input's current value into <paramref name="slot"/>.</summary>
    public abstract void Fill(int slot);

    /// <summary>A getter (a <see cref="ValueGetter{TValue}"/> of the column's raw type) reading the slot <paramref name="slot"/> returns.</summary>
    public abstract Delegate CreateGetter(Func<int> slot);

    /// <summary>A cache for <paramref name="column"/> of <paramref name="input"/> with <paramref name="capacity"/> slots.</summary>
    public static ColumnCache Create(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        // Vectors are copied deeply: a getter may hand out, and later overwrite, buffers it owns.
        MethodInfo factory = column.Type is VectorDataViewType vector
            ? VectorFactory.MakeGenericMethod(vector.ItemType.RawType)
            : ScalarFactory.MakeGenericMethod(column.Type.RawType);
        return (ColumnCache)factory.Invoke(null, [input, column, capacity])!;
    }

    private static ColumnCache CreateScalar<T>(DataViewRow input, DataViewSchema.Column column, int capacity) =>
        new Scalar<T>(input.GetGetter<T>(column), capacity);

    private static ColumnCache CreateVector<T>(DataViewRow input, DataViewSchema.Column column, int capacity) =>
        new Vector<T>(input.GetGetter<VBuffer<T>>(column), capacity);

    private sealed class Scalar<T>(ValueGetter<T> getter, int capacity) : ColumnCache
    {
        private readonly T[] _values = new T[capacity];

        public override void Fill(int slot) => getter(ref _values[slot]);

        public override Delegate CreateGetter(Func<int> slot) => (ValueGetter<T>)((ref T value) => value = _values[slot()]);
    }

    private sealed class Vector<T>(ValueGetter<VBuffer<T>> getter, int capacity) : ColumnCache
    {
        private readonly VBuffer<T>[] _values = new VBuffer<T>[capacity];
        private VBuffer<T> _scratch;

        public override void Fill(int slot)
        {
            getter(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate CreateGetter(Func<int> slot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[slot()].CopyTo(ref value));
    }
}
