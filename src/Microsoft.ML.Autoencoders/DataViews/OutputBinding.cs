using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// A transformer bound to one input schema, as the shared <see cref="BatchingDataView"/>, <see cref="BatchingCursor"/> and
/// <see cref="BatchingRowMapper"/> see it: the output schema (every input column at its own index, then the added columns), the one input
/// column the added columns are computed from, and the computation of a batch of rows.
/// </summary>
internal abstract class OutputBinding
{
    /// <summary>The annotation kind ML.NET gives slot names (its own constant for it is internal).</summary>
    private const string SlotNamesKind = "SlotNames";

    /// <summary>Binds to <paramref name="inputSchema"/>, whose <paramref name="sourceColumn"/> the added columns are computed from.</summary>
    private protected OutputBinding(DataViewSchema inputSchema, DataViewSchema.Column sourceColumn)
    {
        InputSchema = inputSchema;
        SourceColumn = sourceColumn;
    }

    public DataViewSchema InputSchema { get; }

    /// <summary>The input columns, then the added ones; set by the derived constructor.</summary>
    public DataViewSchema OutputSchema { get; private protected set; } = null!;

    /// <summary>The known-size float vector column the added columns are computed from.</summary>
    public DataViewSchema.Column SourceColumn { get; }

    /// <summary>The source column's slot names, for an added column with one slot per source slot.</summary>
    private protected DataViewSchema.Annotations SourceSlotNames
    {
        get
        {
            var slots = new DataViewSchema.Annotations.Builder();
            slots.Add(SourceColumn.Annotations, name => name == SlotNamesKind);
            return slots.ToAnnotations();
        }
    }

    /// <summary>Whether each output column is active, from a list of output columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is not of this output schema.</exception>
    public bool[] Active(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[OutputSchema.Count];
        foreach (DataViewSchema.Column column in columns)
        {
            if (column.Index < 0 || column.Index >= active.Length || OutputSchema[column.Index].Name != column.Name)
            {
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column \"{column.Name}\" (index {column.Index}) is not a column of this transformer's output schema.");
            }

            active[column.Index] = true;
        }

        return active;
    }

    /// <summary>Whether any added column is active.</summary>
    public bool AnyAdded(bool[] active) => active.AsSpan(InputSchema.Count).Contains(true);

    /// <summary>The input columns needed for the <paramref name="active"/> output columns.</summary>
    public IEnumerable<DataViewSchema.Column> InputColumnsFor(bool[] active)
    {
        bool computes = AnyAdded(active);
        for (int i = 0; i < InputSchema.Count; i++)
        {
            if (active[i] || (computes && i == SourceColumn.Index))
            {
                yield return InputSchema[i];
            }
        }
    }

    /// <summary>The computation of the <paramref name="active"/> added columns (at least one) for up to <paramref name="capacity"/> rows of <paramref name="input"/>.</summary>
    public abstract RowBatch CreateBatch(DataViewRow input, bool[] active, int capacity);
}
