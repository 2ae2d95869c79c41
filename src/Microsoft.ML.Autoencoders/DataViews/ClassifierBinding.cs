using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// A <see cref="FineTunedClassifierTransformer"/> bound to one input schema: the feature column, and the output schema (every input column at
/// its own index, then Score and PredictedLabel, with Probability between them for a binary classifier), annotated as ML.NET's trainers
/// annotate theirs (score column kind, class names as slot names and key values when known).
/// </summary>
internal sealed class ClassifierBinding : OutputBinding
{
    private const string ScoreColumnKind = "ScoreColumnKind";
    private const string ScoreValueKind = "ScoreValueKind";

    public ClassifierBinding(FineTunedClassifierTransformer transformer, DataViewSchema inputSchema)
        : base(inputSchema, Schema.FeatureColumnCheck.Check(inputSchema, transformer.FeatureColumnName, nameof(inputSchema), transformer.Classifier.InputSize).Column)
    {
        Classifier = transformer.Classifier;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        if (transformer.IsBinary)
        {
            const string kind = "BinaryClassification";
            builder.AddColumn(FineTunedClassifierTransformer.ScoreColumnName, NumberDataViewType.Single, Kinds(kind, "Score").ToAnnotations());
            builder.AddColumn(FineTunedClassifierTransformer.ProbabilityColumnName, NumberDataViewType.Single, Kinds(kind, "Probability").ToAnnotations());
            builder.AddColumn(FineTunedClassifierTransformer.PredictedLabelColumnName, BooleanDataViewType.Instance, Kinds(kind, "PredictedLabel").ToAnnotations());
        }
        else
        {
            const string kind = "MulticlassClassification";
            int classes = Classifier.ClassCount;
            IReadOnlyList<string> names = transformer.ClassNames;
            var score = Kinds(kind, "Score");
            var predicted = Kinds(kind, "PredictedLabel");
            if (names.Count > 0)
            {
                Schema.ClassNames.AddSlotNames(score, names);
                Schema.ClassNames.AddKeyValues(predicted, transformer.ClassNameType, names);
            }

            builder.AddColumn(FineTunedClassifierTransformer.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, classes), score.ToAnnotations());
            builder.AddColumn(FineTunedClassifierTransformer.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), classes), predicted.ToAnnotations());
        }

        OutputSchema = builder.ToSchema();
    }

    public FineTunedClassifier Classifier { get; }

    /// <inheritdoc/>
    public override RowBatch CreateBatch(DataViewRow input, bool[] active, int capacity) => new ClassifierBatch(Classifier, input, SourceColumn, capacity);

    private static DataViewSchema.Annotations.Builder Kinds(string columnKind, string valueKind)
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = columnKind.AsMemory());
        annotations.Add(ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
        return annotations;
    }
}
