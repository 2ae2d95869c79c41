using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Where an autoencoder trains. <see cref="Engine"/>, the default, is the managed CPU engine (<see cref="AutoencoderTrainer"/>); the
/// Microsoft.ML.Autoencoders.TorchSharp package adds a backend that trains on a CUDA GPU. Every backend trains the architectures this
/// package defines, honours the same <see cref="TrainingOptions"/>, and returns the engine's own <see cref="AutoencoderModel"/>, so
/// scoring and saving never depend on the backend.
/// </summary>
public abstract class TrainingBackend
{
    /// <summary>The managed CPU engine: no native dependency, bit-identical runs for a seed.</summary>
    public static TrainingBackend Engine { get; } = new EngineTrainingBackend();

    /// <summary>
    /// This backend as an ML.NET estimator runs it, under the <c>MLContext</c>'s <c>GpuDeviceId</c> and <c>FallbackToCpu</c>: a backend that
    /// places training on a device and was not given one follows them as ML.NET's own TorchSharp trainers do. The engine returns itself.
    /// </summary>
    /// <param name="gpuDeviceId">The context's GPU, or null for the CPU.</param>
    /// <param name="fallbackToCpu">Whether training may fall back to the CPU when that GPU is not there.</param>
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
    public abstract TrainingResult Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        FeatureMatrix training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>Trains <paramref name="architecture"/> on rows streamed a block at a time, read again each epoch.</summary>
    /// <param name="architecture">The network to train.</param>
    /// <param name="options">How to train it; <see cref="TrainingOptions.StreamingBlockRows"/> sets the block size.</param>
    /// <param name="training">The training rows, read once per epoch.</param>
    /// <param name="validation">Rows to validate on after each epoch, or null.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The trained model and its loss history.</returns>
    /// <exception cref="ArgumentException">The options do not suit the architecture, or a row has the wrong width or an unusable value.</exception>
    public abstract TrainingResult Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        IRowBlockSource training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default);
}
