namespace Microsoft.ML.Autoencoders;

/// <summary>The device a <see cref="TorchSharpBackend"/> trains on.</summary>
public enum TorchDevice
{
    /// <summary>The first CUDA GPU when TorchSharp reports one, the CPU otherwise.</summary>
    Auto,

    /// <summary>The CPU, through libtorch.</summary>
    Cpu,

    /// <summary>The first CUDA GPU; training fails with an explanation when TorchSharp reports none.</summary>
    Cuda,
}
