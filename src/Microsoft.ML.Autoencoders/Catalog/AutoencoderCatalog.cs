using Microsoft.ML.Autoencoders.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The autoencoder operations of an <see cref="MLContext"/>, reached as <c>mlContext.Autoencoders</c>: estimators,
/// and saving and loading of pipelines that hold autoencoders.
/// </summary>
/// <remarks>
/// Habits for longer pipelines: standardise the input with <c>NormalizeMeanVariance(..., fixZero: false)</c>, which centres each column
/// (the default <c>fixZero: true</c> only scales it); put <c>AppendCacheCheckpoint(mlContext)</c> right after the autoencoder when a
/// multi-pass trainer follows, or every pass re-runs the autoencoder; and rename or switch off (null) the autoencoder's <c>Score</c> and
/// <c>PredictedLabel</c> columns when a later trainer writes its own, which would hide them.
/// </remarks>
public sealed class AutoencoderCatalog
{
    /// <summary>The catalog of <paramref name="mlContext"/>; reached as <c>mlContext.Autoencoders</c>.</summary>
    internal AutoencoderCatalog(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        Context = mlContext;
    }

    /// <summary>The context the catalog's estimators log to and draw random seeds from.</summary>
    internal MLContext Context { get; }

    /// <summary>
    /// An imputer that fills the missing values (NaN) of a known-size float vector column with an autoencoder, and only those: observed
    /// values pass through bit for bit. Like <c>mlContext.Transforms.ReplaceMissingValues</c>, it replaces the column unless the names differ.
    /// Filling starts from each slot's training mean, then the network reconstructs the row and only the missing slots take its values,
    /// <paramref name="iterations"/> times. Training accepts rows with missing values: the loss counts the observed values only.
    /// </summary>
    /// <param name="outputColumnName">The filled column.</param>
    /// <param name="inputColumnName">The column whose NaN values are missing; null for <paramref name="outputColumnName"/>.</param>
    /// <param name="iterations">Rounds of reconstruct-and-replace.</param>
    /// <param name="codeSize">Size of the code; null for as wide as the input, 16 to 64.</param>
    /// <param name="hiddenSizes">Sizes of the encoder's hidden layers (the decoder mirrors them); null for one of four times the code, 64 to 256 units.</param>
    /// <param name="epochs">Passes over the training data; null for enough to make at least 5,000 gradient steps.</param>
    /// <param name="maskingFraction">The fraction of observed values hidden from the network's input in each training batch (denoising).</param>
    /// <param name="seed">Seeds training; null draws it from the context.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AutoencoderImputingEstimator ImputeMissing(
        string outputColumnName = AutoencoderColumnNames.Features,
        string? inputColumnName = null,
        int iterations = Defaults.Iterations,
        int? codeSize = null,
        int[]? hiddenSizes = null,
        int? epochs = null,
        float maskingFraction = Defaults.MaskingFraction,
        int? seed = null) =>
        new(Context, new AutoencoderImputingEstimator.Options
        {
            InputColumnName = inputColumnName ?? outputColumnName,
            OutputColumnName = outputColumnName,
            Iterations = iterations,
            CodeSize = codeSize,
            EncoderHiddenSizes = hiddenSizes,
            Epochs = epochs,
            MaskingFraction = maskingFraction,
            Seed = seed,
        });

    /// <summary>An imputer with every option; see <see cref="ImputeMissing(string, string?, int, int?, int[], int?, float, int?)"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public AutoencoderImputingEstimator ImputeMissing(AutoencoderImputingEstimator.Options options) => new(Context, options);

    /// <summary>
    /// A trainer that fine-tunes the encoder of a fitted dense autoencoder with a classifier head on labelled rows: softmax for a key label
    /// (multiclass; apply <c>MapValueToKey</c> first), logistic for a <see cref="bool"/> label (binary). It adds Score, PredictedLabel and, for
    /// binary labels, Probability, so <c>MulticlassClassification.Evaluate</c> and <c>BinaryClassification.Evaluate</c> work on its output.
    /// </summary>
    /// <param name="autoencoder">A fitted dense autoencoder (not a convolutional one) trained on features like the labelled rows'.</param>
    /// <param name="options">The columns and the fine-tuning options; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FineTunedClassifierEstimator FineTunedClassifier(AutoencoderTransformer autoencoder, FineTunedClassifierEstimator.Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        return new(Context, autoencoder.Model, options ?? new FineTunedClassifierEstimator.Options());
    }

    /// <summary>
    /// As <see cref="FineTunedClassifier(AutoencoderTransformer, FineTunedClassifierEstimator.Options?)"/>, from an autoencoder trained or loaded
    /// without ML.NET (<c>TrainingBackend.Train</c>, <c>AutoencoderModel.Load</c>).
    /// </summary>
    /// <param name="autoencoder">A trained dense autoencoder (not a convolutional one) whose input is as wide as the feature column.</param>
    /// <param name="options">The columns and the fine-tuning options; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FineTunedClassifierEstimator FineTunedClassifier(AutoencoderModel autoencoder, FineTunedClassifierEstimator.Options? options = null) =>
        new(Context, autoencoder, options ?? new FineTunedClassifierEstimator.Options());

    /// <summary>
    /// As <see cref="FineTunedClassifier(AutoencoderTransformer, FineTunedClassifierEstimator.Options?)"/>, but the autoencoder is pretrained
    /// first, at <c>Fit</c>, by fitting <paramref name="pretraining"/> on <paramref name="unlabelledData"/>: typically many more rows than
    /// carry labels.
    /// </summary>
    /// <param name="pretraining">A dense autoencoder estimator, e.g. <c>mlContext.Autoencoders.Autoencoder(...)</c> or <c>DenoisingAutoencoder(...)</c>.</param>
    /// <param name="unlabelledData">The rows to pretrain on.</param>
    /// <param name="options">The columns and the fine-tuning options; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FineTunedClassifierEstimator FineTunedClassifier(IEstimator<AutoencoderTransformer> pretraining, IDataView unlabelledData, FineTunedClassifierEstimator.Options? options = null) =>
        new(Context, pretraining, unlabelledData, options ?? new FineTunedClassifierEstimator.Options());

    /// <summary>An autoencoder estimator with the common settings; the other options keep their defaults.</summary>
    /// <param name="featureColumnName">The input column, a known-size vector of float.</param>
    /// <param name="codeSize">Size of the code (the bottleneck), and of the "Encoded" column; null follows the input's width (features / 2 rounded down, 1 to 32).</param>
    /// <param name="hiddenSizes">Sizes of the encoder's hidden layers (the decoder mirrors them); null for one layer that follows the input's width (at most 128).</param>
    /// <param name="epochs">Passes over the training data; null for enough to make at least 2,000 gradient steps (at least 20, at most 1,000).</param>
    /// <param name="batchSize">Rows per gradient step.</param>
    /// <param name="learningRate">The learning rate of Adam.</param>
    /// <param name="contamination">The expected fraction of anomalies in the training data, which sets the threshold.</param>
    /// <param name="outputActivation">Activation of the reconstruction: identity for any real data, sigmoid for data in [0, 1].</param>
    /// <param name="seed">Seeds training; null draws it from the context.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AutoencoderEstimator Autoencoder(
        string featureColumnName = AutoencoderColumnNames.Features,
        int? codeSize = null,
        int[]? hiddenSizes = null,
        int? epochs = null,
        int batchSize = Defaults.BatchSize,
        float learningRate = Defaults.LearningRate,
        float contamination = Defaults.Contamination,
        Activation outputActivation = Defaults.OutputActivation,
        int? seed = null) =>
        new(Context, new AutoencoderEstimator.Options
        {
            FeatureColumnName = featureColumnName,
            CodeSize = codeSize,
            EncoderHiddenSizes = hiddenSizes,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            Contamination = contamination,
            OutputActivation = outputActivation,
            Seed = seed,
        });

    /// <summary>An autoencoder estimator configured by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">Options contradict each other.</exception>
    public AutoencoderEstimator Autoencoder(AutoencoderEstimator.Options options) => new(Context, options);

    /// <summary>A denoising autoencoder with the common settings: trained to rebuild rows from corrupted copies of them.</summary>
    /// <param name="featureColumnName">The input column, a known-size vector of float.</param>
    /// <param name="codeSize">Size of the code, and of the "Encoded" column; null follows the input's width (features / 2 rounded down, 1 to 32).</param>
    /// <param name="hiddenSizes">Sizes of the encoder's hidden layers (the decoder mirrors them); null for one layer that follows the input's width (at most 128).</param>
    /// <param name="noise">How training batches are corrupted.</param>
    /// <param name="noiseLevel">The noise's strength: the fraction of features corrupted, or the standard deviation of Gaussian noise.</param>
    /// <param name="epochs">Passes over the training data; null for enough to make at least 2,000 gradient steps (at least 20, at most 1,000).</param>
    /// <param name="outputActivation">Activation of the reconstruction: identity for any real data, sigmoid for data in [0, 1].</param>
    /// <param name="seed">Seeds training; null draws it from the context.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="noise"/> is <see cref="NoiseKind.None"/>.</exception>
    public DenoisingAutoencoderEstimator DenoisingAutoencoder(
        string featureColumnName = AutoencoderColumnNames.Features,
        int? codeSize = null,
        int[]? hiddenSizes = null,
        NoiseKind noise = Defaults.DenoisingNoise,
        float noiseLevel = Defaults.DenoisingNoiseLevel,
        int? epochs = null,
        Activation outputActivation = Defaults.OutputActivation,
        int? seed = null) =>
        new(Context, new DenoisingAutoencoderEstimator.Options
        {
            FeatureColumnName = featureColumnName,
            CodeSize = codeSize,
            EncoderHiddenSizes = hiddenSizes,
            Noise = noise,
            NoiseLevel = noiseLevel,
            Epochs = epochs,
            OutputActivation = outputActivation,
            Seed = seed,
        });

    /// <summary>A denoising autoencoder configured by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The options ask for no noise, or contradict each other.</exception>
    public DenoisingAutoencoderEstimator DenoisingAutoencoder(DenoisingAutoencoderEstimator.Options options) => new(Context, options);

    /// <summary>A variational autoencoder with the common settings; its score is the negative evidence lower bound.</summary>
    /// <param name="featureColumnName">The input column, a known-size vector of float.</param>
    /// <param name="codeSize">Latent dimensions, and the size of the "Encoded" column (the latent mean); null follows the input's width (features / 2 rounded down, 1 to 32).</param>
    /// <param name="hiddenSizes">Sizes of the encoder's hidden layers (the decoder mirrors them); null for one layer that follows the input's width (at most 128).</param>
    /// <param name="klWeight">Weight of the KL term: 1 is the ELBO, other values give a beta-VAE.</param>
    /// <param name="epochs">Passes over the training data; null for enough to make at least 2,000 gradient steps (at least 20, at most 1,000).</param>
    /// <param name="outputActivation">Activation of the reconstruction: identity (Gaussian likelihood) for any real data, sigmoid (Bernoulli) for data in [0, 1].</param>
    /// <param name="seed">Seeds training; null draws it from the context.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public VaeEstimator Vae(
        string featureColumnName = AutoencoderColumnNames.Features,
        int? codeSize = null,
        int[]? hiddenSizes = null,
        float klWeight = Defaults.KlWeight,
        int? epochs = null,
        Activation outputActivation = Defaults.OutputActivation,
        int? seed = null) =>
        new(Context, new VaeEstimator.Options
        {
            FeatureColumnName = featureColumnName,
            CodeSize = codeSize,
            EncoderHiddenSizes = hiddenSizes,
            KlWeight = klWeight,
            Epochs = epochs,
            OutputActivation = outputActivation,
            Seed = seed,
        });

    /// <summary>A variational autoencoder configured by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">An option a variational autoencoder does not use is set, or options contradict each other.</exception>
    public VaeEstimator Vae(VaeEstimator.Options options) => new(Context, options);

    /// <summary>A convolutional autoencoder for images flattened channel-major into <paramref name="featureColumnName"/>, with the default stages.</summary>
    /// <param name="featureColumnName">The input column: a known-size vector of float holding channels x height x width values.</param>
    /// <param name="imageChannels">Channels of each image.</param>
    /// <param name="imageHeight">Height of each image.</param>
    /// <param name="imageWidth">Width of each image.</param>
    /// <param name="codeSize">Size of the dense code; 0 makes the code the encoder's last feature map; null follows the image's size (channels x height x width / 2 rounded down, 1 to 32).</param>
    /// <param name="epochs">Passes over the training data; null for enough to make at least 2,000 gradient steps (at least 20, at most 1,000).</param>
    /// <param name="seed">Seeds training; null draws it from the context.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="ArgumentException">The image shape does not fit the default stages.</exception>
    public ConvolutionalAutoencoderEstimator ConvolutionalAutoencoder(
        string featureColumnName = AutoencoderColumnNames.Features,
        int imageChannels = Defaults.ImageChannels,
        int imageHeight = Defaults.ImageHeight,
        int imageWidth = Defaults.ImageWidth,
        int? codeSize = null,
        int? epochs = null,
        int? seed = null) =>
        new(Context, new ConvolutionalAutoencoderEstimator.Options
        {
            FeatureColumnName = featureColumnName,
            ImageChannels = imageChannels,
            ImageHeight = imageHeight,
            ImageWidth = imageWidth,
            CodeSize = codeSize,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>A convolutional autoencoder configured by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The image shape and the stages do not fit together, or an option convolutional autoencoders do not use is set.</exception>
    public ConvolutionalAutoencoderEstimator ConvolutionalAutoencoder(ConvolutionalAutoencoderEstimator.Options options) => new(Context, options);

    /// <summary>
    /// Saves <paramref name="model"/> (a transformer or a chain of them, holding autoencoders and ML.NET transforms in any
    /// order) with the schema of its input, to one zip file at <paramref name="path"/>, atomically: written beside it, then
    /// renamed over it. Use this instead of <c>mlContext.Model.Save</c>, which cannot store autoencoders.
    /// </summary>
    /// <remarks>
    /// The file depends only on the pipeline, never on when it was trained or saved: its zip entries (and those of the ML.NET
    /// segments inside it) are stamped 1980-01-01, and training histories keep epochs, losses and learning rates but not rows
    /// per second or time elapsed, which load as zero. So two fits with one seed and the same data, which train the same
    /// weights on one machine (see the README's Determinism), write byte-identical files, and a pipeline saved, loaded and
    /// saved again gives the same bytes.
    /// </remarks>
    /// <exception cref="NotSupportedException">A transformer in the pipeline is neither an autoencoder nor saveable by ML.NET.</exception>
    public void SaveModel(ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IO.AtomicFile.Write(path, stream => SaveModel(model, inputSchema, stream));
    }

    /// <summary>Writes <paramref name="model"/> and its input schema to <paramref name="stream"/> as a zip archive; see <see cref="SaveModel(ITransformer, DataViewSchema, string)"/>.</summary>
    /// <exception cref="NotSupportedException">A transformer in the pipeline is neither an autoencoder nor saveable by ML.NET.</exception>
    public void SaveModel(ITransformer model, DataViewSchema inputSchema, Stream stream) => PipelineFile.Write(Context, model, inputSchema, stream);

    /// <summary>Loads a pipeline saved by <see cref="SaveModel(ITransformer, DataViewSchema, string)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was saved for.</param>
    /// <returns>
    /// The pipeline: a <see cref="TransformerChain{TLastTransformer}"/> when a chain was saved, the single transformer otherwise.
    /// Autoencoders' training histories come back without wall-clock figures: <see cref="EpochReport.SamplesPerSecond"/> 0 and
    /// <see cref="EpochReport.Elapsed"/> zero.
    /// </returns>
    /// <exception cref="InvalidDataException">
    /// The file is not such a pipeline, is damaged (every entry is checked against its CRC-32 and the SHA-256 the file lists
    /// for it before it is parsed; what ML.NET throws for a segment it cannot read is the inner exception), or was written by
    /// a newer version.
    /// </exception>
    public ITransformer LoadModel(string path, out DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return LoadModel(stream, out inputSchema);
    }

    /// <summary>Loads a pipeline written by <see cref="SaveModel(ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not such a pipeline, is damaged, or was written by a newer version; see <see cref="LoadModel(string, out DataViewSchema)"/>.</exception>
    public ITransformer LoadModel(Stream stream, out DataViewSchema inputSchema) => PipelineFile.Read(Context, stream, out inputSchema);
}
