using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// An <see cref="AutoencoderTransformer"/> bound to one input schema: the feature column, and the output schema (every
/// input column at its own index, then the added columns).
/// </summary>
internal sealed class AutoencoderBinding
{
    /// <summary>The annotation kind ML.NET gives slot names (its own constant for it is internal).</summary>
    private const string SlotNamesKind = "SlotNames";

    public AutoencoderBinding(AutoencoderTransformer transformer, DataViewSchema inputSchema)
    {
        Transformer = transformer;
        InputSchema = inputSchema;
        FeatureColumn = Schema.FeatureColumnCheck.Check(inputSchema, transformer.Columns.FeatureColumnName, nameof(inputSchema), transformer.Model.InputSize).Column;

        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        var roles = new List<OutputRole>();

        // Reconstruction and FeatureErrors have one slot per input feature: they carry the feature column's slot names, so a
        // flag can be explained by name (e.g. "Amount", "Channel.web" after Concatenate and OneHotEncoding).
        var featureSlots = new DataViewSchema.Annotations.Builder();
        featureSlots.Add(FeatureColumn.Annotations, name => name == SlotNamesKind);
        DataViewSchema.Annotations perFeature = featureSlots.ToAnnotations();
        Add(builder, roles, transformer.Columns.EncodedColumnName, OutputRole.Encoded, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.CodeSize));
        Add(builder, roles, transformer.Columns.ReconstructionColumnName, OutputRole.Reconstruction, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.InputSize), perFeature);
        Add(builder, roles, transformer.Columns.ScoreColumnName, OutputRole.Score, NumberDataViewType.Single);
        Add(builder, roles, transformer.Columns.PredictedLabelColumnName, OutputRole.PredictedLabel, BooleanDataViewType.Instance);
        Add(builder, roles, transformer.Columns.FeatureErrorsColumnName, OutputRole.FeatureErrors, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.InputSize), perFeature);
        OutputSchema = builder.ToSchema();
        Roles = roles.ToArray();
    }

    public AutoencoderTransformer Transformer { get; }

    public AutoencoderModel Model => Transformer.Model;

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column FeatureColumn { get; }

    /// <summary>The role of each added column, in order; added column k has output index <c>InputSchema.Count + k</c>.</summary>
    public OutputRole[] Roles { get; }

    /// <summary>Which roles any of <paramref name="active"/> (output columns) asks for.</summary>
    public RoleSet ActiveRoles(Func<int, bool> active)
    {
        var set = new RoleSet();
        for (int k = 0; k < Roles.Length; k++)
        {
            if (active(InputSchema.Count + k))
            {
                set.Add(Roles[k]);
            }
        }

        return set;
    }

    /// <summary>The input columns needed to produce the output columns <paramref name="active"/> says.</summary>
    public IEnumerable<DataViewSchema.Column> InputColumnsFor(Func<int, bool> active, RoleSet roles)
    {
        for (int i = 0; i < InputSchema.Count; i++)
        {
            if (active(i) || (!roles.IsEmpty && i == FeatureColumn.Index))
            {
                yield return InputSchema[i];
            }
        }
    }

    /// <summary>A predicate over output indexes from a list of output columns.</summary>
    public Func<int, bool> Predicate(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[OutputSchema.Count];
        foreach (DataViewSchema.Column column in columns)
        {
            if (column.Index < 0 || column.Index >= active.Length || !ReferenceEquals(OutputSchema[column.Index].Name, column.Name) && OutputSchema[column.Index].Name != column.Name)
            {
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column \"{column.Name}\" (index {column.Index}) is not a column of this autoencoder's output schema.");
            }

            active[column.Index] = true;
        }

        return i => active[i];
    }

    private static void Add(DataViewSchema.Builder builder, List<OutputRole> roles, string? name, OutputRole role, DataViewType type, DataViewSchema.Annotations? annotations = null)
    {
        if (!string.IsNullOrEmpty(name))
        {
            builder.AddColumn(name, type, annotations);
            roles.Add(role);
        }
    }

    /// <summary>Whether each column of the output schema is active, as <paramref name="active"/> says.</summary>
    public bool[] ActiveFlags(Func<int, bool> active) => Enumerable.Range(0, OutputSchema.Count).Select(active).ToArray();
}

/// <summary>A small set of <see cref="OutputRole"/> values.</summary>
internal struct RoleSet
{
    private int _bits;

    public readonly bool IsEmpty => _bits == 0;

    public void Add(OutputRole role) => _bits |= 1 << (int)role;

    public readonly bool Contains(OutputRole role) => (_bits & (1 << (int)role)) != 0;
}
