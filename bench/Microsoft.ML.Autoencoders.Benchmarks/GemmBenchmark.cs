using System.Diagnostics;
using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>GFLOP/s of the engine's GEMM on the shapes of the Fashion-MNIST benchmark network's training step.</summary>
internal static class GemmBenchmark
{
    public static void Run()
    {
        (string Name, int M, int N, int K, bool TA, bool TB)[] shapes =
        [
            ("fwd 256x784 * 784x256", 256, 256, 784, false, false),
            ("fwd 256x256 * 256x784", 256, 784, 256, false, false),
            ("dW  784x256' * 256x256", 784, 256, 256, true, false),
            ("dX  256x784 * 256x784'", 256, 256, 784, false, true),
            ("dW  256x256' * 256x784", 256, 784, 256, true, false),
            ("inf 1024x784 * 784x256", 1024, 256, 784, false, false),
            ("inf 1024x256 * 256x784", 1024, 784, 256, false, false),
            ("inf 1024x256 * 256x64", 1024, 64, 256, false, false),
            ("inf 1024x64 * 64x256", 1024, 256, 64, false, false),
        ];
        var random = new Random(1);
        foreach (var s in shapes)
        {
            float[] a = Enumerable.Range(0, s.M * s.K).Select(_ => (float)random.NextDouble()).ToArray();
            float[] b = Enumerable.Range(0, s.K * s.N).Select(_ => (float)random.NextDouble()).ToArray();
            float[] c = new float[s.M * s.N];
            for (int w = 0; w < 20; w++)
            {
                Gemm.Multiply(s.M, s.N, s.K, a, s.TA, b, s.TB, c);
            }

            // The best of several timings: other work on the machine only ever slows a timing down.
            const int reps = 40;
            double seconds = double.MaxValue;
            for (int attempt = 0; attempt < 7; attempt++)
            {
                var watch = Stopwatch.StartNew();
                for (int r = 0; r < reps; r++)
                {
                    Gemm.Multiply(s.M, s.N, s.K, a, s.TA, b, s.TB, c);
                }

                seconds = Math.Min(seconds, watch.Elapsed.TotalSeconds);
            }

            double gflops = 2.0 * s.M * s.N * s.K * reps / seconds / 1e9;
            Console.WriteLine($"{s.Name,-28} {gflops,8:F1} GFLOP/s");
        }
    }
}
