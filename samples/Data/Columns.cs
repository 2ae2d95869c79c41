using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>Reads whole columns of a (small) IDataView into arrays, for printing, pictures and comparisons.</summary>
public static class Columns
{
    /// <summary>The values of the scalar column <paramref name="name"/>, in row order.</summary>
    public static T[] Read<T>(IDataView data, string name)
    {
        var values = new List<T>();
        DataViewSchema.Column column = data.Schema[name];
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<T> getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }

        return values.ToArray();
    }

    /// <summary>The values of the vector column <paramref name="name"/>, one dense array per row.</summary>
    public static float[][] ReadVectors(IDataView data, string name)
    {
        var values = new List<float[]>();
        DataViewSchema.Column column = data.Schema[name];
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value.DenseValues().ToArray());
        }

        return values.ToArray();
    }
}
