using System.Diagnostics;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Benchmarks;

// The engine-against-PyTorch training benchmark with two more systems in the same rounds: the TorchSharp backend, and the plain TorchSharp
// loop a user would write for the same network, on a CUDA GPU when TorchSharp reports one, else the CPU. libtorch 2.10 runs here in its
// default configuration (OpenMP threads that spin while waiting): OMP_WAIT_POLICY=PASSIVE, right for Debian's libtorch 1.13 on OpenBLAS
// in the PyTorch peer's process, halves its training speed.
var backend = new TorchSharpBackend(TorchDevice.Auto);
TorchDevice device = backend.ResolvedDevice;
string suffix = device.ToString().ToLowerInvariant();

(double, double[]) TrainWithBackend(FeatureMatrix data)
{
    var watch = Stopwatch.StartNew();
    TrainingResult result = backend.Train(TrainingBenchmark.Architecture, TrainingBenchmark.Options, data);
    return (data.RowCount * (double)TrainingBenchmark.Epochs / watch.Elapsed.TotalSeconds, result.History.Select(h => h.TrainingLoss).ToArray());
}

(double, double[]) TrainWithPlainLoop(FeatureMatrix data) =>
    PlainTorchSharpLoop.Train(data, TrainingBenchmark.Epochs, TrainingBenchmark.BatchSize, TrainingBenchmark.LearningRate, device == TorchDevice.Cuda ? TorchSharp.torch.CUDA : TorchSharp.torch.CPU);

return TrainingBenchmark.Run(args, $"plain-loop-{suffix}", ($"torchsharp-{suffix}", TrainWithBackend), ($"plain-loop-{suffix}", TrainWithPlainLoop));
