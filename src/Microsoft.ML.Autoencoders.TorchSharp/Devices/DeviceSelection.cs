using TorchSharp;

namespace Microsoft.ML.Autoencoders.Devices;

/// <summary>Loads libtorch and picks the device: CUDA when asked for or when <see cref="TorchDevice.Auto"/> finds it, the CPU otherwise.</summary>
internal static class DeviceSelection
{
    /// <summary>The packages that carry libtorch, named in errors.</summary>
    internal const string RuntimePackages = "TorchSharp-cpu (CPU) or TorchSharp-cuda-linux / TorchSharp-cuda-windows (CUDA)";

    /// <summary>Resolves <paramref name="device"/> to <see cref="TorchDevice.Cpu"/> or <see cref="TorchDevice.Cuda"/>.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded, or CUDA is asked for and there is none.</exception>
    public static TorchDevice Resolve(TorchDevice device)
    {
        bool cuda = CudaIsAvailable();
        if (device == TorchDevice.Cuda && !cuda)
        {
            throw new InvalidOperationException(
                $"{nameof(TorchDevice)}.{nameof(TorchDevice.Cuda)} was asked for, but TorchSharp reports no CUDA device. Reference TorchSharp-cuda-linux or TorchSharp-cuda-windows (not TorchSharp-cpu), check that the NVIDIA driver sees a GPU, or use {nameof(TorchDevice)}.{nameof(TorchDevice.Auto)} to fall back to the CPU.");
        }

        return device == TorchDevice.Cuda || device == TorchDevice.Auto && cuda ? TorchDevice.Cuda : TorchDevice.Cpu;
    }

    /// <summary>The TorchSharp device of a resolved <see cref="TorchDevice"/>.</summary>
    public static torch.Device ToTorch(TorchDevice device) => device == TorchDevice.Cuda ? torch.CUDA : torch.CPU;

    private static bool CudaIsAvailable()
    {
        try
        {
            return torch.cuda.is_available();
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            // A libstdc++ older than TorchSharp's native library needs blocks loading even with the runtime package present: name it first.
            string advice = LibstdcxxRequirement.Explain()
                ?? $"TorchSharp could not load libtorch, its native runtime. Add the package {RuntimePackages}, at the version of the TorchSharp package in use; or, with libtorch installed on the system, put its directory on the library path.";
            throw new InvalidOperationException($"{advice} TorchSharp said: {e.Message}", e);
        }
    }
}
