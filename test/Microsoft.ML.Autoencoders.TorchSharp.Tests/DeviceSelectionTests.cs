using Microsoft.ML;
using Microsoft.ML.Data;
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

        StringAssert.Contains(e.Message, "CUDA device 0 was asked for");
        StringAssert.Contains(e.Message, "TorchSharp-cuda-linux");
        StringAssert.Contains(e.Message, nameof(TorchDevice.Auto));
    }

    [TestMethod]
    public void ForContextDevice_FollowsGpuDeviceIdAndFallbackOnlyWithoutAnExplicitDevice()
    {
        var followsContext = new TorchSharpBackend();
        var explicitCpu = new TorchSharpBackend(TorchDevice.Cpu);

        var noGpu = (TorchSharpBackend)followsContext.ForContextDevice(null, fallbackToCpu: false);
        var gpuWithFallback = (TorchSharpBackend)followsContext.ForContextDevice(2, fallbackToCpu: true);
        var gpuOnly = (TorchSharpBackend)followsContext.ForContextDevice(1, fallbackToCpu: false);

        Assert.AreEqual(TorchDevice.Cpu, noGpu.Device, "no GpuDeviceId: the CPU, as ML.NET's TorchSharp trainers do, even where a GPU exists");
        Assert.AreEqual((TorchDevice.Auto, 2), (gpuWithFallback.Device, gpuWithFallback.CudaDeviceIndex));
        Assert.AreEqual((TorchDevice.Cuda, 1), (gpuOnly.Device, gpuOnly.CudaDeviceIndex));
        Assert.AreSame(explicitCpu, explicitCpu.ForContextDevice(0, fallbackToCpu: false), "a device given explicitly wins over the context");
        Assert.AreSame(TrainingBackend.Engine, TrainingBackend.Engine.ForContextDevice(0, fallbackToCpu: false));
    }

    [TestMethod]
    public void Fit_MLContextGpuDeviceId_ChoosesTheDeviceAndTheFallback()
    {
        if (torch.cuda.is_available())
        {
            Assert.Inconclusive("This machine has a CUDA device; the CPU fallback cannot be provoked here.");
        }

        var mlContext = new MLContext(seed: 1) { GpuDeviceId = 0 };
        var random = new Random(5);
        IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(_ => new Row { Features = Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray());
        AutoencoderEstimator Estimator(TorchSharpBackend backend) => mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { CodeSize = 2, EncoderHiddenSizes = [4], Epochs = 2, Seed = 1, Backend = backend });

        mlContext.FallbackToCpu = false;
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Estimator(new TorchSharpBackend()).Fit(data));
        StringAssert.Contains(e.Message, "MLContext.FallbackToCpu");
        AutoencoderTransformer explicitCpu = Estimator(new TorchSharpBackend(TorchDevice.Cpu)).Fit(data);
        Assert.IsLessThan(explicitCpu.TrainingHistory[0].TrainingLoss, explicitCpu.TrainingHistory[^1].TrainingLoss, "an explicit device ignores the context and trains");

        mlContext.FallbackToCpu = true;
        AutoencoderTransformer fellBack = Estimator(new TorchSharpBackend()).Fit(data);
        Assert.IsTrue(fellBack.TrainingHistory[^1].TrainingLoss < fellBack.TrainingHistory[0].TrainingLoss, "trained on the CPU instead");
    }

    [TestMethod]
    public void Constructor_NegativeCudaDeviceIndex_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TorchSharpBackend(TorchDevice.Cuda, -1));

    [TestMethod]
    public void Constructor_UnknownDevice_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TorchSharpBackend((TorchDevice)7));

    private sealed class Row
    {
        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }
}
