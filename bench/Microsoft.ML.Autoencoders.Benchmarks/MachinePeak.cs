using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>Measures the machine's single-precision FMA peak: independent FMA chains in the widest vectors, on every core at once.</summary>
internal static class MachinePeak
{
    public static double GflopsPerSecond()
    {
        const long iterations = 50_000_000;
        int cores = Environment.ProcessorCount;
        Run(1_000_000); // warm up and tier up
        double seconds = double.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, cores, _ => Run(iterations));
            seconds = Math.Min(seconds, watch.Elapsed.TotalSeconds);
        }

        double flopsPerIteration = 12.0 * 2 * (Vector512.IsHardwareAccelerated ? 16 : 8);
        return cores * iterations * flopsPerIteration / seconds / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run(long iterations) =>
        Vector512.IsHardwareAccelerated ? Run512(iterations) : Run256(iterations);

    private static float Run512(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static float Run256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
