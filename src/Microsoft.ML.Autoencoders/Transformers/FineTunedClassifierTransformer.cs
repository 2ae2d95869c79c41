using Microsoft.ML.Autoencoders.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// A trained <see cref="FineTunedClassifier"/> as an ML.NET transformer: it adds the columns ML.NET's trainers add, so
/// <c>MulticlassClassification.Evaluate</c>, <c>BinaryClassification.Evaluate</c> and <c>MapKeyToValue</c> work on them. Multiclass: Score (a
/// vector of the class probabilities, slot names the class names when known) and PredictedLabel (a key of the label's type, with its key
/// values). Binary: Score (the logit), Probability and PredictedLabel (a <see cref="bool"/>). Rows are read ahead and scored a batch at a
/// time. Immutable and safe to use from many threads at once.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> cannot store this transformer (ML.NET 5 lets only its own assemblies write model files); save pipelines
/// holding it with <see cref="AutoencoderCatalog.SaveModel(ITransformer, DataViewSchema, string)"/>.
/// </remarks>
public sealed class FineTunedClassifierTransformer : ITransformer
{
    /// <summary>"Score": the class probabilities (multiclass) or the logit (binary).</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>"PredictedLabel": the most probable class.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>"Probability": the probability of true (binary only).</summary>
    public const string ProbabilityColumnName = "Probability";

    /// <summary>Wraps a trained classifier.</summary>
    /// <param name="classifier">The trained classifier.</param>
    /// <param name="featureColumnName">The column it reads: a known-size float vector as wide as the classifier's input.</param>
    /// <param name="classNames">The class names, by class number (the label key's values as text); empty or null when unknown. Multiclass only.</param>
    /// <param name="classNameType">
    /// The type of the label key's values the names stand for (text, a number type or Boolean), which PredictedLabel's key values take so that
    /// <c>MapKeyToValue</c> gives the label's values back; null for text.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="featureColumnName"/> is empty, there are class names but not one per class, or they do not parse as <paramref name="classNameType"/>.</exception>
    public FineTunedClassifierTransformer(FineTunedClassifier classifier, string featureColumnName = AutoencoderColumnNames.Features, IReadOnlyList<string>? classNames = null, PrimitiveDataViewType? classNameType = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (string.IsNullOrEmpty(featureColumnName))
        {
            throw new ArgumentException("The feature column name is empty; name the column the classifier reads.", nameof(featureColumnName));
        }

        string[] names = classNames?.ToArray() ?? [];
        if (names.Length != 0 && (classifier.Head == ClassifierHead.Logistic || names.Length != classifier.ClassCount))
        {
            throw new ArgumentException($"There are {names.Length} class names for a {classifier.Head} classifier of {classifier.ClassCount} classes; give one per class of a multiclass classifier, or none.", nameof(classNames));
        }

        classNameType ??= TextDataViewType.Instance;
        if (!Schema.ClassNames.IsSupported(classNameType))
        {
            throw new ArgumentException($"Class names of type {classNameType} are not supported; use text, a number type or Boolean.", nameof(classNameType));
        }

        try
        {
            Schema.ClassNames.AddKeyValues(new DataViewSchema.Annotations.Builder(), classNameType, names);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"A class name does not parse as {classNameType}: {e.Message}", nameof(classNames), e);
        }

        Classifier = classifier;
        FeatureColumnName = featureColumnName;
        ClassNames = names;
        ClassNameType = classNameType;
    }

    /// <summary>The trained engine classifier; use it directly for span-based batched scoring.</summary>
    public FineTunedClassifier Classifier { get; }

    /// <summary>The column the classifier reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The class names, by class number; empty when unknown or binary.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The type of the label key's values that <see cref="ClassNames"/> stand for.</summary>
    public PrimitiveDataViewType ClassNameType { get; }

    /// <summary>Whether the classifier is binary (logistic head, <see cref="bool"/> labels) rather than multiclass.</summary>
    public bool IsBinary => Classifier.Head == ClassifierHead.Logistic;

    /// <summary>Always true: the transformer maps rows one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The schema of the data <see cref="Transform"/> returns for input of schema <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or not a float vector of the classifier's input size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new ClassifierBinding(this, inputSchema).OutputSchema;

    /// <summary>Adds the prediction columns to <paramref name="input"/>, lazily: nothing is computed until a cursor reads rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or not a float vector of the classifier's input size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchingDataView(new ClassifierBinding(this, input.Schema), input);
    }

    /// <summary>A row-to-row mapper for input of schema <paramref name="inputSchema"/>, as <c>PredictionEngine</c> uses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or not a float vector of the classifier's input size.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchingRowMapper(new ClassifierBinding(this, inputSchema));

    /// <summary>Always throws: see the remarks of <see cref="FineTunedClassifierTransformer"/>.</summary>
    /// <exception cref="NotSupportedException">Always, with the call to use instead.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "FineTunedClassifierTransformer cannot be saved with mlContext.Model.Save: ML.NET 5 keeps model-file writing (ModelSaveContext) to its own assemblies. " +
        "Save the whole pipeline with mlContext.Autoencoders.SaveModel(model, inputSchema, path) and load it with mlContext.Autoencoders.LoadModel(path, out inputSchema); " +
        "ML.NET transforms before and after the classifier are saved with it.");
}
