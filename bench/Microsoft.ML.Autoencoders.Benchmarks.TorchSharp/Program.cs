using System.Diagnostics;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Benchmarks;

// The engine-against-PyTorch training benchmark, with the TorchSharp backend as a third system: on a CUDA GPU when there is one, else the CPU.
// libtorch runs in this process, so it gets the PyTorch peer's configuration (sleeping OpenMP threads, OpenBLAS's AVX-512 kernels); native
// code reads those variables when it loads, so the benchmark starts itself again with them set.
if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") == null)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    foreach (string argument in Environment.GetCommandLineArgs()[(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? 0 : 1)..])
    {
        start.ArgumentList.Add(argument);
    }

    start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
    start.Environment["OPENBLAS_CORETYPE"] = "SkylakeX";
    using Process child = Process.Start(start)!;
    child.WaitForExit();
    return child.ExitCode;
}

var backend = new TorchSharpBackend(TorchDevice.Auto);
string name = $"torchsharp-{backend.ResolvedDevice.ToString().ToLowerInvariant()}";
return TrainingBenchmark.Run(args, (name, backend));
