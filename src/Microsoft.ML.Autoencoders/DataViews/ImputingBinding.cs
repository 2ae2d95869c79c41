using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// An <see cref="AutoencoderImputingTransformer"/> bound to one input schema: the input column, and the output schema (every input column at
/// its own index, then the filled column, which hides an input column of the same name).
/// </summary>
internal sealed class ImputingBinding : OutputBinding
{
    public ImputingBinding(AutoencoderImputingTransformer transformer, DataViewSchema inputSchema)
        : base(inputSchema, Schema.FeatureColumnCheck.Check(inputSchema, transformer.InputColumnName, nameof(inputSchema), transformer.Imputer.InputSize).Column)
    {
        Imputer = transformer.Imputer;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(transformer.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, transformer.Imputer.InputSize), SourceSlotNames);
        OutputSchema = builder.ToSchema();
    }

    public AutoencoderImputer Imputer { get; }

    /// <inheritdoc/>
    public override RowBatch CreateBatch(DataViewRow input, bool[] active, int capacity) => new ImputingBatch(Imputer, input, SourceColumn, capacity);
}
