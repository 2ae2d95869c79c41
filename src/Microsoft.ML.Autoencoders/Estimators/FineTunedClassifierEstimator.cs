using Microsoft.ML.Autoencoders.Schema;
using Microsoft.ML.Autoencoders.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// A trainer: puts a softmax (key label) or logistic (<see cref="bool"/> label) head on a dense autoencoder's encoder and trains both end to
/// end on the labelled rows (see <see cref="FineTunedClassifier"/>). The encoder is a fitted autoencoder's, or one pretrained at
/// <see cref="Fit(IDataView)"/> on unlabelled data passed separately. Returns a <see cref="FineTunedClassifierTransformer"/> that adds Score,
/// PredictedLabel and, for binary labels, Probability, as ML.NET's trainers do. Create it with <c>mlContext.Autoencoders.FineTunedClassifier(...)</c>.
/// </summary>
public sealed partial class FineTunedClassifierEstimator : IEstimator<FineTunedClassifierTransformer>
{
    private readonly MLContext _mlContext;
    private readonly Options _options;
    private readonly AutoencoderModel? _autoencoder;
    private readonly IEstimator<AutoencoderTransformer>? _pretraining;
    private readonly IDataView? _unlabelledData;

    /// <summary>Fine-tunes the encoder of <paramref name="autoencoder"/> (copied; the autoencoder is not changed).</summary>
    /// <param name="mlContext">The context whose log and random source training uses.</param>
    /// <param name="autoencoder">A fitted dense autoencoder (plain, denoising, sparse, contractive, variational or winner-take-all).</param>
    /// <param name="options">The options (copied).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal FineTunedClassifierEstimator(MLContext mlContext, AutoencoderModel autoencoder, Options options)
        : this(mlContext, options)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        _autoencoder = autoencoder;
    }

    /// <summary>At <see cref="Fit(IDataView)"/>, first fits <paramref name="pretraining"/> on <paramref name="unlabelledData"/>, then fine-tunes its encoder.</summary>
    /// <param name="mlContext">The context whose log and random source training uses.</param>
    /// <param name="pretraining">A dense autoencoder estimator reading the same feature column.</param>
    /// <param name="unlabelledData">The rows to pretrain on; their labels, if any, are not read.</param>
    /// <param name="options">The options (copied).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal FineTunedClassifierEstimator(MLContext mlContext, IEstimator<AutoencoderTransformer> pretraining, IDataView unlabelledData, Options options)
        : this(mlContext, options)
    {
        ArgumentNullException.ThrowIfNull(pretraining);
        ArgumentNullException.ThrowIfNull(unlabelledData);
        _pretraining = pretraining;
        _unlabelledData = unlabelledData;
    }

    private FineTunedClassifierEstimator(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _mlContext = mlContext;
    }

    /// <summary>The input schema shape plus Score, PredictedLabel and, for a <see cref="bool"/> label, Probability.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a float vector, or the label column is missing or neither a key nor a <see cref="bool"/>.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        FeatureColumnCheck.Check(inputSchema, _options.FeatureColumnName, nameof(inputSchema));
        SchemaShape.Column? label = inputSchema.FirstOrDefault(c => c.Name == _options.LabelColumnName);
        if (label is not SchemaShape.Column found || found.Kind != SchemaShape.Column.VectorKind.Scalar || !(found.IsKey || found.ItemType == BooleanDataViewType.Instance))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), LabelColumnCheck.Message(_options.LabelColumnName, label is SchemaShape.Column c ? $"{c.Kind} of {c.ItemType}{(c.IsKey ? " (key)" : "")}" : null));
        }

        return ClassifierOutputShape.Combine(_mlContext, inputSchema, binary: !found.IsKey, keyValues: found.Annotations.Any(a => a.Name == ClassNames.KeyValuesKind));
    }

    /// <summary>Trains on the labelled rows of <paramref name="input"/> (pretraining the autoencoder first when it was given as an estimator).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or the features are not as wide as the autoencoder's input.</exception>
    /// <exception cref="ArgumentException">A feature value is NaN or infinite (the message names the row), or no row has a label.</exception>
    public FineTunedClassifierTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains as <see cref="Fit(IDataView)"/> does, stopping when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="input">The labelled rows.</param>
    /// <param name="cancellationToken">Checked while the rows are read and before every batch.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or the features are not as wide as the autoencoder's input.</exception>
    /// <exception cref="ArgumentException">A feature value is NaN or infinite (the message names the row), or no row has a label.</exception>
    /// <exception cref="NotSupportedException"><see cref="Options.Backend"/> does not fine-tune classifiers.</exception>
    public FineTunedClassifierTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        (DataViewSchema.Column labelColumn, int classCount, string[] classNames, PrimitiveDataViewType classNameType) = LabelColumnCheck.Check(input.Schema, _options.LabelColumnName, nameof(input));
        FeatureColumnCheck.Check(input.Schema, _options.FeatureColumnName, nameof(input));
        IHost host = ((IHostEnvironment)_mlContext).Register(nameof(FineTunedClassifierEstimator));
        using IChannel channel = host.Start("Training");
        AutoencoderModel autoencoder = _autoencoder ?? _pretraining!.Fit(_unlabelledData!).Model;
        (DataViewSchema.Column featureColumn, int size) = FeatureColumnCheck.Check(input.Schema, _options.FeatureColumnName, nameof(input), autoencoder.InputSize);

        (FeatureMatrix features, int[] labels, long skipped) = LabelledRowsReader.Read(input, featureColumn, size, labelColumn, cancellationToken);
        ClassifierHead head = labelColumn.Type is BooleanDataViewType ? ClassifierHead.Logistic : ClassifierHead.Softmax;
        int seed = _options.Seed ?? host.Rand.Next();
        TrainingBackend backend = _options.Backend.ForContextDevice(_mlContext.GpuDeviceId, _mlContext.FallbackToCpu);
        channel.Info(MessageSensitivity.None, $"Fine-tuning the encoder of {autoencoder.Architecture} with a {head} head for {classCount} classes on {features.RowCount} labelled rows ({skipped} without a label skipped), seed {seed}, backend {backend}.");
        FineTunedClassifier classifier = FineTunedClassifier.Train(autoencoder, features, labels, head, classCount, _options.ToTrainingOptions(seed), backend, cancellationToken);
        return new FineTunedClassifierTransformer(classifier, _options.FeatureColumnName, classNames, classNameType);
    }
}
