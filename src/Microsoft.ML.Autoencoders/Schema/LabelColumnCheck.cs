using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Schema;

/// <summary>
/// Checks the label column a fine-tuned classifier reads: a key (multiclass, after <c>MapValueToKey</c>) or a <see cref="bool"/> (binary), with
/// messages that name the column, what it is and how to get there.
/// </summary>
internal static class LabelColumnCheck
{
    /// <summary>
    /// Returns the label column, its class count (2 for a <see cref="bool"/>), and the key's values as text with their type when it has them
    /// (see <see cref="Schema.ClassNames"/>; else empty).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or neither a key nor a <see cref="bool"/>.</exception>
    public static (DataViewSchema.Column Column, int ClassCount, string[] ClassNames, PrimitiveDataViewType ClassNameType) Check(DataViewSchema schema, string columnName, string parameterName)
    {
        DataViewSchema.Column? found = schema.GetColumnOrNull(columnName);
        if (found is not DataViewSchema.Column column)
        {
            throw new ArgumentOutOfRangeException(parameterName, Message(columnName, null));
        }

        if (column.Type is BooleanDataViewType)
        {
            return (column, 2, [], TextDataViewType.Instance);
        }

        if (column.Type is not KeyDataViewType key || key.Count < 2 || key.Count > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(parameterName, Message(columnName, column.Type.ToString()));
        }

        (string[] names, PrimitiveDataViewType type) = ClassNames.Read(column, (int)key.Count);
        return (column, (int)key.Count, names, type);
    }

    /// <summary>The message for a label column that is missing (<paramref name="type"/> null) or of <paramref name="type"/>.</summary>
    public static string Message(string columnName, string? type) =>
        (type == null ? $"The input has no label column \"{columnName}\"." : $"Label column \"{columnName}\" is {type}.") +
        $" The fine-tuned classifier needs a key with at least 2 values for multiclass labels (convert them with mlContext.Transforms.Conversion.MapValueToKey(\"{columnName}\")) or a Boolean for binary labels.";
}
