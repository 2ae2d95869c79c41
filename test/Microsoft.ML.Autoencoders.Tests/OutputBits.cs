using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The raw bits of a view's outputs, for bit-for-bit comparisons (<see cref="Samples.Columns"/> reads columns as values).</summary>
internal static class OutputBits
{
    /// <summary>The bits of every float of every column named, row after row: equal lists mean byte-for-byte equal outputs.</summary>
    public static List<int> Of(IDataView data, params string[] names)
    {
        var bits = new List<int>();
        DataViewSchema.Column[] columns = names.Select(n => data.Schema[n]).ToArray();
        using DataViewRowCursor cursor = data.GetRowCursor(columns);
        var getters = columns.Select(c => (Func<IEnumerable<int>>)(c.Type switch
        {
            VectorDataViewType => Vector(cursor, c),
            BooleanDataViewType => Boolean(cursor, c),
            KeyDataViewType => Key(cursor, c),
            _ => Scalar(cursor, c),
        })).ToArray();
        while (cursor.MoveNext())
        {
            foreach (var getter in getters)
            {
                bits.AddRange(getter());
            }
        }

        return bits;
    }

    private static Func<IEnumerable<int>> Vector(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        return () =>
        {
            VBuffer<float> value = default;
            getter(ref value);
            return value.DenseValues().Select(BitConverter.SingleToInt32Bits).ToArray();
        };
    }

    private static Func<IEnumerable<int>> Scalar(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        ValueGetter<float> getter = cursor.GetGetter<float>(column);
        return () =>
        {
            float value = 0;
            getter(ref value);
            return [BitConverter.SingleToInt32Bits(value)];
        };
    }

    private static Func<IEnumerable<int>> Key(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        ValueGetter<uint> getter = cursor.GetGetter<uint>(column);
        return () =>
        {
            uint value = 0;
            getter(ref value);
            return [(int)value];
        };
    }

    private static Func<IEnumerable<int>> Boolean(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        ValueGetter<bool> getter = cursor.GetGetter<bool>(column);
        return () =>
        {
            bool value = false;
            getter(ref value);
            return [value ? 1 : 0];
        };
    }
}
