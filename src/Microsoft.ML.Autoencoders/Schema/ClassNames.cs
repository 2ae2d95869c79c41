using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Schema;

/// <summary>
/// A label key's values (its <c>KeyValues</c> annotation) as text, with the type they had, so a classifier's PredictedLabel carries the same
/// key values (for <c>MapKeyToValue</c>) and a pipeline file can store them. Text and the numeric and Boolean types round-trip exactly.
/// </summary>
internal static class ClassNames
{
    /// <summary>The annotation kind of a key's values (ML.NET's own constant for it is internal).</summary>
    public const string KeyValuesKind = "KeyValues";

    private static readonly PrimitiveDataViewType[] Supported =
    [
        TextDataViewType.Instance, NumberDataViewType.Single, NumberDataViewType.Double, NumberDataViewType.Int32, NumberDataViewType.Int64,
        NumberDataViewType.UInt32, NumberDataViewType.UInt64, BooleanDataViewType.Instance,
    ];

    /// <summary>The key values of <paramref name="column"/> as text, and their type; empty and text when it has none of a supported type.</summary>
    public static (string[] Names, PrimitiveDataViewType Type) Read(DataViewSchema.Column column, int count)
    {
        if (column.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is not DataViewSchema.Column values
            || values.Type is not VectorDataViewType vector || vector.Size != count || !Supported.Contains(vector.ItemType))
        {
            return ([], TextDataViewType.Instance);
        }

        var type = (PrimitiveDataViewType)vector.ItemType;
        string[] names = type.RawType.Name switch
        {
            nameof(Single) => Format<float>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            nameof(Double) => Format<double>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            nameof(Int32) => Format<int>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            nameof(Int64) => Format<long>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            nameof(UInt32) => Format<uint>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            nameof(UInt64) => Format<ulong>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            nameof(Boolean) => Format<bool>(column, v => v ? "True" : "False"),
            _ => Format<ReadOnlyMemory<char>>(column, v => v.ToString()),
        };
        return (names, type);
    }

    /// <summary>The type named <paramref name="name"/> (a raw type's name, as <see cref="NameOf"/> gives), or null when unsupported.</summary>
    public static PrimitiveDataViewType? TypeNamed(string name) => Supported.FirstOrDefault(t => NameOf(t) == name);

    /// <summary>The name a pipeline file stores for <paramref name="type"/>.</summary>
    public static string NameOf(PrimitiveDataViewType type) => type.RawType == typeof(ReadOnlyMemory<char>) ? "Text" : type.RawType.Name;

    /// <summary>Whether <paramref name="type"/> is one this class reads and writes.</summary>
    public static bool IsSupported(PrimitiveDataViewType type) => Supported.Contains(type);

    /// <summary>Adds <paramref name="names"/>, parsed back to <paramref name="type"/>, as the <c>KeyValues</c> annotation.</summary>
    /// <exception cref="FormatException">A name does not parse as <paramref name="type"/>.</exception>
    public static void AddKeyValues(DataViewSchema.Annotations.Builder builder, PrimitiveDataViewType type, IReadOnlyList<string> names)
    {
        switch (type.RawType.Name)
        {
            case nameof(Single): Add(builder, type, names, s => float.Parse(s, CultureInfo.InvariantCulture)); break;
            case nameof(Double): Add(builder, type, names, s => double.Parse(s, CultureInfo.InvariantCulture)); break;
            case nameof(Int32): Add(builder, type, names, s => int.Parse(s, CultureInfo.InvariantCulture)); break;
            case nameof(Int64): Add(builder, type, names, s => long.Parse(s, CultureInfo.InvariantCulture)); break;
            case nameof(UInt32): Add(builder, type, names, s => uint.Parse(s, CultureInfo.InvariantCulture)); break;
            case nameof(UInt64): Add(builder, type, names, s => ulong.Parse(s, CultureInfo.InvariantCulture)); break;
            case nameof(Boolean): Add(builder, type, names, bool.Parse); break;
            default: Add(builder, type, names, s => s.AsMemory()); break;
        }
    }

    /// <summary>Adds <paramref name="names"/> as the <c>SlotNames</c> annotation of a vector with one slot per class.</summary>
    public static void AddSlotNames(DataViewSchema.Annotations.Builder builder, IReadOnlyList<string> names)
    {
        ReadOnlyMemory<char>[] text = names.Select(name => name.AsMemory()).ToArray();
        builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, text.Length), (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(text.Length, text));
    }

    private static string[] Format<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(KeyValuesKind, ref values);
        return values.DenseValues().Select(format).ToArray();
    }

    private static void Add<T>(DataViewSchema.Annotations.Builder builder, PrimitiveDataViewType type, IReadOnlyList<string> names, Func<string, T> parse)
    {
        T[] values = names.Select(parse).ToArray();
        builder.Add(KeyValuesKind, new VectorDataViewType(type, values.Length), (ref VBuffer<T> value) => value = new VBuffer<T>(values.Length, values));
    }
}
