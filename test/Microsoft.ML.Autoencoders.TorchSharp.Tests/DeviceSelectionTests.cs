using TorchSharp;

namespace Microsoft.ML.Autoencoders.Tests;

[TestClass]
public sealed class DeviceSelectionTests
{
    [TestMethod]
    public void Auto_PicksCudaExactlyWhenTorchSharpReportsIt()
    {
        TorchDevice expected = torch.cuda.is_available() ? TorchDevice.Cuda : TorchDevice.Cpu;

        Assert.AreEqual(expected, new TorchSharpBackend(TorchDevice.Auto).ResolvedDevice);
        Assert.AreEqual(TorchDevice.Cpu, new TorchSharpBackend(TorchDevice.Cpu).ResolvedDevice);
    }

    [TestMethod]
    public void Cuda_WithoutADevice_FailsNamingThePackagesAndTheFallback()
    {
        if (torch.cuda.is_available())
        {
            Assert.Inconclusive("This machine has a CUDA device; the error for a missing one cannot be provoked here.");
        }

        var backend = new TorchSharpBackend(TorchDevice.Cuda);
        FeatureMatrix data = new(new float[40], 4);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => backend.Train(new AutoencoderArchitecture(4, [], 2), new TrainingOptions(), data));

        StringAssert.Contains(e.Message, "no CUDA device");
        StringAssert.Contains(e.Message, "TorchSharp-cuda-linux");
        StringAssert.Contains(e.Message, nameof(TorchDevice.Auto));
    }

    [TestMethod]
    public void Constructor_UnknownDevice_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TorchSharpBackend((TorchDevice)7));
}
