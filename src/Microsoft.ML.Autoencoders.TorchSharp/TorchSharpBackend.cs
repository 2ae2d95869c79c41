using Microsoft.ML.Autoencoders.Devices;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains autoencoders with TorchSharp: on a CUDA GPU when one is there (<see cref="TorchDevice.Auto"/>), otherwise on the CPU. It trains every
/// architecture the engine defines, with the same <see cref="TrainingOptions"/>, the same checks, epochs, validation, early stopping and progress
/// reports as <see cref="TrainingBackend.Engine"/>, starts from the same seeded initial weights, and copies the trained weights into the engine's
/// <see cref="AutoencoderModel"/>: transforming, scoring and saving never need TorchSharp.
/// </summary>
/// <remarks>
/// libtorch itself comes from a separate package: TorchSharp-cpu for the CPU, TorchSharp-cuda-linux or TorchSharp-cuda-windows for CUDA, at the
/// version of the TorchSharp package this one references. Noise, dropout and latent samples are drawn by libtorch's generator, seeded from
/// <see cref="TrainingOptions.Seed"/>; runs repeat on one device, but differ from the engine's run bit for bit.
/// </remarks>
public sealed class TorchSharpBackend : TrainingBackend
{
    /// <summary>A backend on <paramref name="device"/>.</summary>
    /// <param name="device">Where to train; <see cref="TorchDevice.Auto"/> picks CUDA when TorchSharp reports a device, the CPU otherwise.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="device"/> is not a known <see cref="TorchDevice"/>.</exception>
    public TorchSharpBackend(TorchDevice device = TorchDevice.Auto)
    {
        if (!Enum.IsDefined(device))
        {
            throw new ArgumentOutOfRangeException(nameof(device), device, $"{nameof(device)} is not a known {nameof(TorchDevice)}.");
        }

        Device = device;
    }

    /// <summary>The device asked for.</summary>
    public TorchDevice Device { get; }

    /// <summary>The device training runs on: <see cref="TorchDevice.Cpu"/> or <see cref="TorchDevice.Cuda"/>, resolving <see cref="TorchDevice.Auto"/>.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded (naming the package to add), or CUDA is asked for and TorchSharp reports no device.</exception>
    public TorchDevice ResolvedDevice => DeviceSelection.Resolve(Device);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded (naming the package to add), or CUDA is asked for and TorchSharp reports no device.</exception>
    public override TrainingResult Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        FeatureMatrix training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default) =>
        new AutoencoderTrainer(architecture, options).Train(training, validation, progress, cancellationToken, Sessions(architecture, options));

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded (naming the package to add), or CUDA is asked for and TorchSharp reports no device.</exception>
    public override TrainingResult Train(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        IRowBlockSource training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default) =>
        new AutoencoderTrainer(architecture, options).Train(training, validation, progress, cancellationToken, Sessions(architecture, options));

    /// <summary>Makes each run's session on the resolved device, from the engine's initial parameters and first block of rows.</summary>
    private Func<float[], FeatureMatrix, SeededRandom, ITrainingSession> Sessions(AutoencoderArchitecture architecture, TrainingOptions options)
    {
        TorchDevice device = ResolvedDevice;
        return (parameters, first, _) => new TorchTrainingSession(architecture, options, device, parameters, first);
    }

    /// <inheritdoc/>
    public override string ToString() => $"TorchSharp ({Device})";
}
