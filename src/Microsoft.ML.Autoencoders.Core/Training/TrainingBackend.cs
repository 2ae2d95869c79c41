using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Classification;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Where an autoencoder trains. <see cref="Engine"/>, the default, is the managed CPU engine; the Microsoft.ML.Autoencoders.TorchSharp package
/// adds a backend that trains on a CUDA GPU. Every backend trains the architectures this package defines, honours the same
/// <see cref="TrainingOptions"/>, and returns the engine's own <see cref="AutoencoderModel"/>, so scoring and saving never depend on the backend.
/// </summary>
/// <remarks>
/// <para>
/// Writing a backend: derive from this class and implement <see cref="CreateSession(TrainingSessionRequest)"/>. The <c>Train</c> methods are
/// the same for every backend: they check the options and the data, draw the initial parameters and the validation split from
/// <see cref="TrainingOptions.Seed"/>, then drive the backend's <see cref="ITrainingSession"/> through the epochs (shuffles, learning-rate
/// schedule, validation, early stopping, divergence, progress, cancellation) and build the model from the parameters it hands back in the
/// engine's layout, which <see cref="ParameterLayout"/> describes.
/// </para>
/// <para>
/// A backend may also fine-tune classifiers (<see cref="FineTunedClassifier.Train"/>): it overrides
/// <see cref="CreateClassifierSession(ClassifierSessionRequest)"/>, and the run is again the same for every backend.
/// </para>
/// <para>
/// The contract a backend implements (<see cref="CreateSession(TrainingSessionRequest)"/>, <see cref="TrainingSessionRequest"/>,
/// <see cref="ITrainingSession"/>, <see cref="ParameterLayout"/> with its layer and block descriptions, <see cref="VariationalCode"/>,
/// <see cref="CreateClassifierSession(ClassifierSessionRequest)"/>, <see cref="ClassifierSessionRequest"/> and
/// <see cref="IClassifierTrainingSession"/>) is versioned by <see cref="ContractVersion"/>.
/// </para>
/// </remarks>
public abstract class TrainingBackend
{
    /// <summary>The managed CPU engine: no native dependency, bit-identical runs for a seed.</summary>
    public static TrainingBackend Engine { get; } = new EngineTrainingBackend();

    /// <summary>
    /// The version of the backend contract this assembly implements: 2 (version 1 had no classifier sessions). It is raised whenever a member of the contract changes its signature
    /// or its meaning, or a member a backend must implement or handle is added (such as a new layer or parameter block kind). A property
    /// rather than a constant, so that a backend built against one version reads the version of the assembly it runs with; a backend checks
    /// it once and refuses to train under a version it was not written for.
    /// </summary>
    public static int ContractVersion => 2;

    /// <summary>
    /// This backend as an ML.NET estimator runs it, under the <c>MLContext</c>'s <c>GpuDeviceId</c> and <c>FallbackToCpu</c>: a backend that
    /// places training on a device and was not given one follows them as ML.NET's own TorchSharp trainers do. The engine returns itself.
    /// </summary>
    /// <param name="gpuDeviceId">The context's GPU, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether training may fall back to the CPU when that GPU is not there.</param>
    /// <returns>The backend to train with.</returns>
    public virtual TrainingBackend ForContextDevice(int? gpuDeviceId, bool fallbackToCpu) => this;

    /// <summary>Trains <paramref name="architecture"/> on rows held in memory.</summary>
    /// <param name="architecture">The network to train.</param>
    /// <param name="options">How to train it.</param>
    /// <param name="training">The training rows; <see cref="AutoencoderArchitecture.InputSize"/> features each, all finite.</param>
    /// <param name="validation">Rows to validate on after each epoch; when null, <see cref="TrainingOptions.ValidationFraction"/> of the training rows are held out.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The trained model and its loss history.</returns>
    /// <exception cref="ArgumentException">The options do not suit the architecture, or the data has the wrong width, too few rows, or an unusable value.</exception>
    /// <exception cref="InvalidOperationException">The backend cannot run here (for instance, its native library or device is missing); the message says why.</exception>
    public TrainingResult Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        FeatureMatrix training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default) =>
        new AutoencoderTrainer(architecture, options).Train(training, validation, progress, cancellationToken, CreateSession);

    /// <summary>Trains <paramref name="architecture"/> on rows streamed a block at a time, read again each epoch.</summary>
    /// <param name="architecture">The network to train.</param>
    /// <param name="options">How to train it; <see cref="TrainingOptions.StreamingBlockRows"/> sets the block size.</param>
    /// <param name="training">The training rows, read once per epoch.</param>
    /// <param name="validation">Rows to validate on after each epoch, or null.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The trained model and its loss history.</returns>
    /// <exception cref="ArgumentException">The options do not suit the architecture, or a row has the wrong width or an unusable value.</exception>
    /// <exception cref="InvalidOperationException">The backend cannot run here (for instance, its native library or device is missing); the message says why.</exception>
    public TrainingResult Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        IRowBlockSource training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default) =>
        new AutoencoderTrainer(architecture, options).Train(training, validation, progress, cancellationToken, CreateSession);

    /// <summary>
    /// Starts one training run on this backend: the network of <paramref name="request"/> with its initial parameters and optimizer, ready for
    /// the first <see cref="ITrainingSession.UseBlock"/>. Called once per <c>Train</c> call, after the options and the data were checked; the
    /// run disposes of the session when it ends.
    /// </summary>
    /// <param name="request">The architecture, the checked options, the initial parameters and the first rows.</param>
    /// <returns>The run's session.</returns>
    /// <exception cref="InvalidOperationException">The backend cannot run here; the message should say why and what to install or change.</exception>
    protected abstract ITrainingSession CreateSession(TrainingSessionRequest request);

    /// <summary>
    /// Starts one fine-tuning run of a classifier on this backend: the encoder and head of <paramref name="request"/> with their initial
    /// parameters and two optimizers. Called once per <see cref="FineTunedClassifier.Train"/> call, after the options and the data were
    /// checked; the run disposes of the session when it ends. A backend that does not override it cannot fine-tune classifiers.
    /// </summary>
    /// <param name="request">The encoder and head, their initial parameters, the checked options and the labelled rows.</param>
    /// <returns>The run's session.</returns>
    /// <exception cref="NotSupportedException">This backend does not fine-tune classifiers.</exception>
    /// <exception cref="InvalidOperationException">The backend cannot run here; the message should say why and what to install or change.</exception>
    protected virtual IClassifierTrainingSession CreateClassifierSession(ClassifierSessionRequest request) =>
        throw new NotSupportedException($"The training backend {this} does not fine-tune classifiers; train with {nameof(TrainingBackend)}.{nameof(Engine)}, or a backend that overrides {nameof(CreateClassifierSession)}.");

    /// <summary>Fine-tunes a classifier on this backend; <see cref="FineTunedClassifier.Train"/> checks the arguments first.</summary>
    internal FineTunedClassifier TrainClassifier(
        AutoencoderModel autoencoder, FeatureMatrix features, ReadOnlySpan<int> labels, ClassifierHead head, int classCount, ClassifierTrainingOptions options, CancellationToken cancellationToken) =>
        ClassifierTrainer.Train(autoencoder, features, labels, head, classCount, options, CreateClassifierSession, cancellationToken);

    /// <summary>
    /// Starts a run's session on <paramref name="backend"/>: for a backend that hands some runs to another, such as one that falls back to
    /// <see cref="Engine"/> when its device is missing, or one that wraps another's sessions to observe them.
    /// </summary>
    /// <param name="backend">The backend to start the session on.</param>
    /// <param name="request">The request this backend was given.</param>
    /// <returns>The session <paramref name="backend"/> makes.</returns>
    protected static ITrainingSession CreateSession(TrainingBackend backend, TrainingSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend.CreateSession(request);
    }
}
