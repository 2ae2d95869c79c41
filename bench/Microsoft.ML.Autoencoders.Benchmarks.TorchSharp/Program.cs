using System.Diagnostics;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Benchmarks;
using static TorchSharp.torch;

FeatureMatrix data = IdxFile.ReadImages("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", int.Parse(args[0]));
var arch = new AutoencoderArchitecture(784, [256], 64, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);
var backend = new TorchSharpBackend(TorchDevice.Cpu);
backend.Train(arch, new TrainingOptions { Epochs = 1, BatchSize = 256 }, data);
GC.Collect(); GC.WaitForPendingFinalizers();
bool nogc = args.Length > 1 && GC.TryStartNoGCRegion(long.Parse(args[1]) * 1_000_000);
Console.WriteLine($"no-gc region {nogc}");
var progress = new Sync(r => { var p = Process.GetCurrentProcess(); p.Refresh(); Console.WriteLine($"epoch {r.Epoch} rss {p.WorkingSet64 / 1e6:F0} MB gcs {GC.CollectionCount(0)} alloc {GC.GetTotalAllocatedBytes() / 1e6:F1} MB loss {r.TrainingLoss:F5}"); });
backend.Train(arch, new TrainingOptions { Epochs = 6, BatchSize = 256 }, data, null, progress);
if (nogc) GC.EndNoGCRegion();
return 0;
sealed class Sync(Action<EpochReport> a) : IProgress<EpochReport> { public void Report(EpochReport r) => a(r); }
