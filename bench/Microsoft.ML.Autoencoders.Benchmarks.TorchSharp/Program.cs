using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Benchmarks;

// The engine-against-PyTorch training benchmark, with the TorchSharp backend as a third system: on a CUDA GPU when there is one, else the CPU.
var backend = new TorchSharpBackend(TorchDevice.Auto);
string name = $"torchsharp-{backend.ResolvedDevice.ToString().ToLowerInvariant()}";
return TrainingBenchmark.Run(args, (name, backend));
