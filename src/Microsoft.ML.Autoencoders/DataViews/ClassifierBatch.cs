using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// Rows read ahead and scored with one call to the classifier. A multiclass classifier's added columns are Score (the class probabilities) and
/// PredictedLabel (the most probable class's key, 0 for a row whose scores are NaN); a binary one's are Score (the logit), Probability and
/// PredictedLabel (probability above one half).
/// </summary>
internal sealed class ClassifierBatch(FineTunedClassifier classifier, DataViewRow input, DataViewSchema.Column column, int capacity)
    : RowBatch(input, column, classifier.InputSize, capacity)
{
    private readonly float[] _scores = new float[capacity * classifier.ScoreSize];

    /// <inheritdoc/>
    public override void Compute(int rows) => classifier.Score(Source.AsSpan(0, rows * Size), _scores.AsSpan(0, rows * classifier.ScoreSize));

    /// <inheritdoc/>
    public override Delegate CreateGetter(int added, Func<int> slot)
    {
        if (classifier.Head == ClassifierHead.Logistic)
        {
            return added switch
            {
                0 => (ValueGetter<float>)((ref float value) => value = _scores[slot()]),
                1 => (ValueGetter<float>)((ref float value) => value = 1f / (1f + MathF.Exp(-_scores[slot()]))),
                _ => (ValueGetter<bool>)((ref bool value) => value = _scores[slot()] > 0f),
            };
        }

        int classes = classifier.ScoreSize;
        return added == 0
            ? Vector(_scores, classes, slot)
            : (ValueGetter<uint>)((ref uint value) => value = PredictedKey(_scores.AsSpan(slot() * classes, classes)));
    }

    /// <summary>The key (1-based) of the largest probability, or 0 (missing) when the row's probabilities are NaN.</summary>
    private static uint PredictedKey(ReadOnlySpan<float> probabilities)
    {
        if (float.IsNaN(probabilities[0]))
        {
            return 0;
        }

        return (uint)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities) + 1;
    }
}
