using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// An <see cref="AutoencoderImputingTransformer"/> bound to one input schema: the input column, and the output schema (every input column at
/// its own index, then the filled column, which hides an input column of the same name).
/// </summary>
internal sealed class ImputingBinding
{
    /// <summary>The annotation kind ML.NET gives slot names (its own constant for it is internal).</summary>
    private const string SlotNamesKind = "SlotNames";

    public ImputingBinding(AutoencoderImputingTransformer transformer, DataViewSchema inputSchema)
    {
        Transformer = transformer;
        InputSchema = inputSchema;
        InputColumn = Schema.FeatureColumnCheck.Check(inputSchema, transformer.InputColumnName, nameof(inputSchema), transformer.Imputer.InputSize).Column;

        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        var slots = new DataViewSchema.Annotations.Builder();
        slots.Add(InputColumn.Annotations, name => name == SlotNamesKind);
        builder.AddColumn(transformer.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, transformer.Imputer.InputSize), slots.ToAnnotations());
        OutputSchema = builder.ToSchema();
    }

    public AutoencoderImputingTransformer Transformer { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column InputColumn { get; }

    /// <summary>The filled column's index in <see cref="OutputSchema"/>.</summary>
    public int OutputIndex => InputSchema.Count;

    /// <summary>Whether each output column is active, from a list of output columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is not of this output schema.</exception>
    public bool[] Active(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[OutputSchema.Count];
        foreach (DataViewSchema.Column column in columns)
        {
            if (column.Index < 0 || column.Index >= active.Length || OutputSchema[column.Index].Name != column.Name)
            {
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column \"{column.Name}\" (index {column.Index}) is not a column of this imputer's output schema.");
            }

            active[column.Index] = true;
        }

        return active;
    }

    /// <summary>The input columns needed for the <paramref name="active"/> output columns.</summary>
    public IEnumerable<DataViewSchema.Column> InputColumnsFor(bool[] active)
    {
        for (int i = 0; i < InputSchema.Count; i++)
        {
            if (active[i] || (active[OutputIndex] && i == InputColumn.Index))
            {
                yield return InputSchema[i];
            }
        }
    }
}
