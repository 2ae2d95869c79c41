using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Devices;
using Microsoft.ML.Autoencoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains autoencoders, and fine-tunes classifiers (<see cref="FineTunedClassifier.Train"/>), with TorchSharp: on a CUDA GPU when one is there
/// (<see cref="TorchDevice.Auto"/>), otherwise on the CPU. It trains every
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
    /// <summary>The version of the backend contract this backend was written for (<see cref="TrainingBackend.ContractVersion"/>).</summary>
    internal const int ImplementedContractVersion = 2;

    private readonly bool _followsContext;

    /// <summary>
    /// A backend whose device an ML.NET estimator picks as ML.NET's own TorchSharp trainers do: CUDA device <c>MLContext.GpuDeviceId</c> when it
    /// is set, falling back to the CPU when there is no such device if <c>MLContext.FallbackToCpu</c> allows; the CPU when it is not set.
    /// Called directly, outside an estimator, it is <see cref="TorchDevice.Auto"/>.
    /// </summary>
    public TorchSharpBackend()
        : this(TorchDevice.Auto)
    {
        _followsContext = true;
    }

    /// <summary>A backend on <paramref name="device"/>, whatever the <c>MLContext</c> says.</summary>
    /// <param name="device">Where to train; <see cref="TorchDevice.Auto"/> picks CUDA when TorchSharp reports a device, the CPU otherwise.</param>
    /// <param name="cudaDeviceIndex">Which CUDA device, when training runs on one.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="device"/> is not a known <see cref="TorchDevice"/>, or <paramref name="cudaDeviceIndex"/> is negative.</exception>
    public TorchSharpBackend(TorchDevice device, int cudaDeviceIndex = 0)
    {
        if (!Enum.IsDefined(device))
        {
            throw new ArgumentOutOfRangeException(nameof(device), device, $"{nameof(device)} is not a known {nameof(TorchDevice)}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(cudaDeviceIndex);
        Device = device;
        CudaDeviceIndex = cudaDeviceIndex;
    }

    /// <summary>The device asked for.</summary>
    public TorchDevice Device { get; }

    /// <summary>The CUDA device training runs on when it runs on one.</summary>
    public int CudaDeviceIndex { get; }

    /// <summary>The device training runs on: <see cref="TorchDevice.Cpu"/> or <see cref="TorchDevice.Cuda"/>, resolving <see cref="TorchDevice.Auto"/>.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded (naming the package to add), or CUDA is asked for and TorchSharp reports no such device.</exception>
    public TorchDevice ResolvedDevice => DeviceSelection.Resolve(Device, CudaDeviceIndex).type == DeviceType.CUDA ? TorchDevice.Cuda : TorchDevice.Cpu;

    /// <inheritdoc/>
    /// <remarks>
    /// Only a backend made with the parameterless constructor follows the context: no GPU id means the CPU; a GPU id means that CUDA device,
    /// or, when it is not there, the CPU if <paramref name="fallbackToCpu"/> and an error otherwise.
    /// </remarks>
    public override TrainingBackend ForContextDevice(int? gpuDeviceId, bool fallbackToCpu) =>
        !_followsContext ? this
        : gpuDeviceId is int gpu ? new TorchSharpBackend(fallbackToCpu ? TorchDevice.Auto : TorchDevice.Cuda, gpu)
        : new TorchSharpBackend(TorchDevice.Cpu);

    /// <summary>Starts a run on the resolved device, from the engine's initial parameters and first block of rows.</summary>
    /// <param name="request">The run's architecture and layout, options, initial parameters and first rows.</param>
    /// <returns>The run's session.</returns>
    /// <exception cref="InvalidOperationException">
    /// libtorch cannot be loaded (naming the package to add), CUDA is asked for and TorchSharp reports no device, or the Core package speaks
    /// another version of the backend contract than this one.
    /// </exception>
    protected override ITrainingSession CreateSession(TrainingSessionRequest request)
    {
        CheckContractVersion();
        return new TorchTrainingSession(request, DeviceSelection.Resolve(Device, CudaDeviceIndex));
    }

    /// <summary>Starts a fine-tuning run of a classifier on the resolved device, from the request's encoder and head parameters.</summary>
    /// <param name="request">The encoder and head, their initial parameters, the checked options and the labelled rows.</param>
    /// <returns>The run's session.</returns>
    /// <exception cref="InvalidOperationException">
    /// libtorch cannot be loaded (naming the package to add), CUDA is asked for and TorchSharp reports no device, or the Core package speaks
    /// another version of the backend contract than this one.
    /// </exception>
    protected override IClassifierTrainingSession CreateClassifierSession(ClassifierSessionRequest request)
    {
        CheckContractVersion();
        return new TorchClassifierSession(request, DeviceSelection.Resolve(Device, CudaDeviceIndex));
    }

    /// <summary>Refuses to train under a version of the backend contract other than the one this backend was written for.</summary>
    private static void CheckContractVersion()
    {
        if (ContractVersion != ImplementedContractVersion)
        {
            throw new InvalidOperationException(
                $"The TorchSharp backend implements backend contract version {ImplementedContractVersion}, but the Microsoft.ML.Autoencoders.Core it runs with has version {ContractVersion}; use the versions of the two packages that were released together.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => _followsContext ? "TorchSharp (MLContext's device)" : Device == TorchDevice.Cpu ? "TorchSharp (Cpu)" : $"TorchSharp ({Device}, CUDA device {CudaDeviceIndex})";
}
