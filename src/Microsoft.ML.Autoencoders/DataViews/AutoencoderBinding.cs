using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// An <see cref="AutoencoderTransformer"/> bound to one input schema: the feature column, and the output schema (every
/// input column at its own index, then the added columns).
/// </summary>
internal sealed class AutoencoderBinding : OutputBinding
{
    public AutoencoderBinding(AutoencoderTransformer transformer, DataViewSchema inputSchema)
        : base(inputSchema, Schema.FeatureColumnCheck.Check(inputSchema, transformer.Columns.FeatureColumnName, nameof(inputSchema), transformer.Model.InputSize).Column)
    {
        Transformer = transformer;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        var roles = new List<OutputRole>();

        // Reconstruction and FeatureErrors have one slot per input feature: they carry the feature column's slot names, so a
        // flag can be explained by name (e.g. "Amount", "Channel.web" after Concatenate and OneHotEncoding).
        DataViewSchema.Annotations perFeature = SourceSlotNames;
        Add(builder, roles, transformer.Columns.EncodedColumnName, OutputRole.Encoded, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.CodeSize));
        Add(builder, roles, transformer.Columns.ReconstructionColumnName, OutputRole.Reconstruction, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.InputSize), perFeature);
        Add(builder, roles, transformer.Columns.ScoreColumnName, OutputRole.Score, NumberDataViewType.Single);
        Add(builder, roles, transformer.Columns.PredictedLabelColumnName, OutputRole.PredictedLabel, BooleanDataViewType.Instance);
        Add(builder, roles, transformer.Columns.FeatureErrorsColumnName, OutputRole.FeatureErrors, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.InputSize), perFeature);
        OutputSchema = builder.ToSchema();
        Roles = roles.ToArray();
    }

    public AutoencoderTransformer Transformer { get; }

    /// <summary>The role of each added column, in order; added column k has output index <c>InputSchema.Count + k</c>.</summary>
    public OutputRole[] Roles { get; }

    /// <inheritdoc/>
    public override RowBatch CreateBatch(DataViewRow input, bool[] active, int capacity)
    {
        var roles = new RoleSet();
        for (int k = 0; k < Roles.Length; k++)
        {
            if (active[InputSchema.Count + k])
            {
                roles.Add(Roles[k]);
            }
        }

        return new AutoencoderBatch(this, input, roles, capacity);
    }

    private static void Add(DataViewSchema.Builder builder, List<OutputRole> roles, string? name, OutputRole role, DataViewType type, DataViewSchema.Annotations? annotations = null)
    {
        if (!string.IsNullOrEmpty(name))
        {
            builder.AddColumn(name, type, annotations);
            roles.Add(role);
        }
    }
}
