using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>Reads a feature column and a key or <see cref="bool"/> label column of an <see cref="IDataView"/> together, for a classifier's training.</summary>
internal static class LabelledRowsReader
{
    /// <summary>
    /// Every row with a label: its features (checked finite and at most <see cref="FeatureMatrix.MaxMagnitude"/>) and its class (key value - 1,
    /// or 1 for true). Rows whose key is missing (0) are skipped and counted.
    /// </summary>
    /// <exception cref="ArgumentException">A feature value is unusable (the message names the column, row and slot), or no row has a label.</exception>
    public static (FeatureMatrix Features, int[] Labels, long Skipped) Read(IDataView data, DataViewSchema.Column featureColumn, int size, DataViewSchema.Column labelColumn, CancellationToken cancellationToken)
    {
        var values = new List<float>();
        var labels = new List<int>();
        long skipped = 0, row = -1;
        bool binary = labelColumn.Type is BooleanDataViewType;
        using DataViewRowCursor cursor = data.GetRowCursor([featureColumn, labelColumn]);
        ValueGetter<VBuffer<float>> features = cursor.GetGetter<VBuffer<float>>(featureColumn);
        ValueGetter<bool>? boolLabel = binary ? cursor.GetGetter<bool>(labelColumn) : null;
        ValueGetter<uint>? keyLabel = binary ? null : cursor.GetGetter<uint>(labelColumn);
        VBuffer<float> buffer = default;
        var dense = new float[size];
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            int label;
            if (boolLabel != null)
            {
                bool value = false;
                boolLabel(ref value);
                label = value ? 1 : 0;
            }
            else
            {
                uint key = 0;
                keyLabel!(ref key);
                if (key == 0)
                {
                    skipped++;
                    continue;
                }

                label = (int)key - 1;
            }

            features(ref buffer);
            buffer.CopyTo(dense);
            if (new FeatureMatrix(dense, size).FindUnusable() is (_, int bad))
            {
                throw new ArgumentException($"Row {row} of column \"{featureColumn.Name}\" holds {dense[bad]} at slot {bad}; the classifier trains on finite values of magnitude at most {FeatureMatrix.MaxMagnitude}. Filter or fill such rows first (e.g. mlContext.Transforms.ReplaceMissingValues).", nameof(data));
            }

            values.AddRange(dense);
            labels.Add(label);
        }

        if (labels.Count == 0)
        {
            throw new ArgumentException($"No row of the training data has a label in column \"{labelColumn.Name}\" ({skipped} rows with a missing key); the classifier needs labelled rows.", nameof(data));
        }

        return (new FeatureMatrix(values.ToArray(), size), labels.ToArray(), skipped);
    }
}
