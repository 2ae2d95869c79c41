using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Schema;

/// <summary>
/// Checks that the feature column an autoencoder reads exists and is a known-size vector of <see cref="float"/>, in a
/// <see cref="DataViewSchema"/> or a <see cref="SchemaShape"/>, with messages that name the column, what it is, what is
/// expected and how to get there.
/// </summary>
internal static class FeatureColumnCheck
{
    private const string Expected = "a known-size vector of Single (float[] with [VectorType(n)], e.g. Vector<Single, 784>)";

    /// <summary>Returns the feature column and its size.</summary>
    /// <param name="schema">The schema to look in.</param>
    /// <param name="columnName">The feature column's name.</param>
    /// <param name="parameterName">The argument that carried <paramref name="schema"/>.</param>
    /// <param name="expectedSize">When known (a trained model), the size the vector must have.</param>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, or has the wrong type or size.</exception>
    public static (DataViewSchema.Column Column, int Size) Check(DataViewSchema schema, string columnName, string parameterName, int? expectedSize = null)
    {
        ArgumentNullException.ThrowIfNull(schema, parameterName);
        DataViewSchema.Column? found = schema.GetColumnOrNull(columnName);
        if (found is not DataViewSchema.Column column)
        {
            string available = string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{c.Name} ({c.Type})"));
            throw new ArgumentOutOfRangeException(parameterName,
                $"The input has no column \"{columnName}\"; the autoencoder reads {Expected} from it. The input's columns are: {(available.Length == 0 ? "none" : available)}. {ConcatenateAdvice(columnName)}");
        }

        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column \"{columnName}\" is {column.Type}; the autoencoder needs {Expected}. {Advice(columnName, column.Type)}");
        }

        if (!vector.IsKnownSize)
        {
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column \"{columnName}\" is a vector of Single of unknown (variable) size; the autoencoder needs {Expected}, because every row must have the same number of features. Give the column a size (e.g. [VectorType(784)] on the field, or a SchemaDefinition), or build it with mlContext.Transforms.Concatenate from known-size columns.");
        }

        if (expectedSize is int size && vector.Size != size)
        {
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column \"{columnName}\" is {column.Type}, {vector.Size} features per row; this autoencoder was trained on {size} features per row (Vector<Single, {size}>). Feed it data shaped like its training data.");
        }

        return (column, vector.Size);
    }

    /// <summary>Checks the feature column's shape in a <see cref="SchemaShape"/> (which does not carry vector sizes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, or has the wrong type or kind.</exception>
    public static void Check(SchemaShape shape, string columnName, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(shape, parameterName);
        SchemaShape.Column? found = null;
        foreach (SchemaShape.Column candidate in shape)
        {
            if (candidate.Name == columnName)
            {
                found = candidate;
            }
        }

        if (found is not SchemaShape.Column column)
        {
            string available = string.Join(", ", shape.Select(Describe));
            throw new ArgumentOutOfRangeException(parameterName,
                $"The input has no column \"{columnName}\"; the autoencoder reads {Expected} from it. The input's columns are: {(available.Length == 0 ? "none" : available)}. {ConcatenateAdvice(columnName)}");
        }

        if (column.IsKey || column.ItemType != NumberDataViewType.Single || column.Kind == SchemaShape.Column.VectorKind.Scalar)
        {
            DataViewType shown = column.IsKey ? column.ItemType : column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType : new VectorDataViewType((PrimitiveDataViewType)column.ItemType);
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column \"{columnName}\" is {Describe(column)}; the autoencoder needs {Expected}. {Advice(columnName, column.IsKey ? new KeyDataViewType(typeof(uint), 2) : shown)}");
        }

        if (column.Kind == SchemaShape.Column.VectorKind.VariableVector)
        {
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column \"{columnName}\" is a vector of Single of unknown (variable) size; the autoencoder needs {Expected}, because every row must have the same number of features. Give the column a size (e.g. [VectorType(784)] on the field, or a SchemaDefinition), or build it with mlContext.Transforms.Concatenate from known-size columns.");
        }
    }

    private static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => $"{column.Name} ({item})",
            SchemaShape.Column.VectorKind.Vector => $"{column.Name} (Vector<{item}>)",
            _ => $"{column.Name} (variable-size Vector<{item}>)",
        };
    }

    private static string ConcatenateAdvice(string columnName) =>
        $"To combine several numeric columns into one, add mlContext.Transforms.Concatenate(\"{columnName}\", \"ColumnA\", \"ColumnB\", ...) before the autoencoder, or set its feature column name to the column that holds the features.";

    private static string Advice(string columnName, DataViewType type)
    {
        DataViewType item = type is VectorDataViewType v ? v.ItemType : type;
        if (item is KeyDataViewType)
        {
            return $"Key columns hold categories: turn them into numbers with mlContext.Transforms.Categorical.OneHotEncoding, then Concatenate into \"{columnName}\".";
        }

        if (item is TextDataViewType)
        {
            return $"Text must become numbers first: use mlContext.Transforms.Text.FeaturizeText (free text) or mlContext.Transforms.Categorical.OneHotEncoding (categories), then Concatenate into \"{columnName}\".";
        }

        if (item == NumberDataViewType.Single)
        {
            return ConcatenateAdvice(columnName);
        }

        if (item is NumberDataViewType || item == BooleanDataViewType.Instance)
        {
            return $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{columnName}\", outputKind: DataKind.Single){(type is VectorDataViewType ? "" : $", or {ConcatenateAdvice(columnName)}")}";
        }

        return $"Build \"{columnName}\" from numeric columns with mlContext.Transforms.Concatenate.";
    }
}
