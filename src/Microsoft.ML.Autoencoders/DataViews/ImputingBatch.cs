using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>Rows read ahead and filled in place with one call to the imputer; the one added column is the filled row.</summary>
internal sealed class ImputingBatch(AutoencoderImputer imputer, DataViewRow input, DataViewSchema.Column column, int capacity)
    : RowBatch(input, column, imputer.InputSize, capacity)
{
    /// <inheritdoc/>
    public override void Compute(int rows)
    {
        Span<float> batch = Source.AsSpan(0, rows * Size);
        imputer.Impute(batch, batch);
    }

    /// <inheritdoc/>
    public override Delegate CreateGetter(int added, Func<int> slot) => Vector(Source, Size, slot);
}
