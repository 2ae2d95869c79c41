using TorchSharp;

namespace Microsoft.ML.Autoencoders.Devices;

/// <summary>Loads libtorch and picks the device: CUDA when asked for or when <see cref="TorchDevice.Auto"/> finds it, the CPU otherwise.</summary>
internal static class DeviceSelection
{
    /// <summary>The packages that carry libtorch, named in errors.</summary>
    internal const string RuntimePackages = "TorchSharp-cpu (CPU) or TorchSharp-cuda-linux / TorchSharp-cuda-windows (CUDA)";

    /// <summary>Resolves <paramref name="device"/> to the TorchSharp device training runs on: CUDA device <paramref name="cudaIndex"/>, or the CPU.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded, or CUDA is asked for and that device is not there.</exception>
    public static torch.Device Resolve(TorchDevice device, int cudaIndex)
    {
        bool present = CudaIsAvailable() && cudaIndex < torch.cuda.device_count();
        if (device == TorchDevice.Cuda && !present)
        {
            throw new InvalidOperationException(
                $"CUDA device {cudaIndex} was asked for ({nameof(TorchDevice)}.{nameof(TorchDevice.Cuda)}, or MLContext.GpuDeviceId with MLContext.FallbackToCpu false), but TorchSharp reports {(CudaIsAvailable() ? $"only {torch.cuda.device_count()} CUDA devices" : "no CUDA device")}. Reference TorchSharp-cuda-linux or TorchSharp-cuda-windows (not TorchSharp-cpu), check that the NVIDIA driver sees the GPU, or allow the CPU: {nameof(TorchDevice)}.{nameof(TorchDevice.Auto)}, or MLContext.FallbackToCpu = true.");
        }

        return device == TorchDevice.Cuda || device == TorchDevice.Auto && present ? new torch.Device(DeviceType.CUDA, cudaIndex) : torch.CPU;
    }

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
