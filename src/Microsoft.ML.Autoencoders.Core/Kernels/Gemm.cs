using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>
/// Single-precision matrix multiply C = op(A) * op(B) (+ bias, then an activation) on dense row-major
/// matrices: packed, cache-blocked, register-blocked with the widest FMA kernel the CPU has, and spread
/// over all cores. Each element of C is summed in the same order whatever the thread count, so results
/// are bit-identical from run to run on one machine.
/// </summary>
internal static unsafe class Gemm
{
    private const int KC = 256;
    private const int NC = 512;
    private const int BandTarget = 64;
    private const long SerialFlopLimit = 1L << 21;

    [ThreadStatic] private static float[]? t_packedA;
    [ThreadStatic] private static float[]? t_packedB;
    [ThreadStatic] private static float[]? t_shared;
    [ThreadStatic] private static int[]? t_steps;

    /// <summary>The kernel multiplies use; the best one the CPU supports unless a test sets another.</summary>
    internal static GemmKernel Kernel { get; set; } = GemmKernel.Best;

    /// <summary>
    /// C[m x n] = op(A)[m x k] * op(B)[k x n], then C += bias (per column, when given), then the activation.
    /// A is m x k row-major (k x m when <paramref name="transposeA"/>); B is k x n (n x k when <paramref name="transposeB"/>).
    /// </summary>
    /// <remarks>
    /// The operand that every band of C needs (B when C is cut into row bands, A when into column bands) is packed
    /// once, up front; threads then claim bands one at a time, each packing only its own slice of the other operand.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<float> a, bool transposeA,
        ReadOnlySpan<float> b, bool transposeB,
        Span<float> c,
        ReadOnlySpan<float> bias = default,
        Activation activation = Activation.Identity)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            var p = new Problem
            {
                A = pa, B = pb, C = pc, Bias = bias.IsEmpty ? null : pbias,
                Lda = transposeA ? m : k, Ldb = transposeB ? k : n, Ldc = n,
                TransposeA = transposeA, TransposeB = transposeB,
                M = m, N = n, K = k, Activation = activation, Shape = GemmKernelShape.Of(Kernel),
            };
            if (k == 0)
            {
                for (int i = 0; i < m; i++)
                {
                    new Span<float>(pc + (long)i * n, n).Clear();
                }

                ApplyEpilogue(p, 0, m, 0, n);
                return;
            }

            bool byRows = m >= n;
            GemmKernelShape s = p.Shape;
            int padded = byRows ? RoundUp(n, s.NR) : RoundUp(m, s.MR);
            float[] shared = t_shared is { } buffer && buffer.Length >= (long)k * padded + 16
                ? buffer
                : t_shared = GC.AllocateUninitializedArray<float>(k * padded + 16, pinned: true);
            fixed (float* sharedStart = shared)
            {
                p.Shared = Align64(sharedStart);
                p.SharedStride = padded;
                var packing = new SharedPacking(p, byRows);
                if (IsParallel(p))
                {
                    WorkerPool.Run(packing.TaskCount, packing);
                }
                else
                {
                    for (int i = 0; i < packing.TaskCount; i++)
                    {
                        packing.Execute(i);
                    }
                }

                RunBands(p, byRows);
            }
        }
    }

    /// <summary>
    /// C[m x n] = op(A)[m x k] * B, then C += bias (per column, when given), then the activation, with B packed
    /// ahead of time by <see cref="PackedMatrix"/>: what inference does with a trained model's weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        int m,
        ReadOnlySpan<float> a, bool transposeA,
        PackedMatrix b,
        Span<float> c,
        ReadOnlySpan<float> bias = default,
        Activation activation = Activation.Identity)
    {
        if (m == 0 || b.N == 0)
        {
            return;
        }

        fixed (float* pa = a, pc = c, pbias = bias, packed = b.Values)
        {
            var p = new Problem
            {
                A = pa, C = pc, Bias = bias.IsEmpty ? null : pbias,
                Lda = transposeA ? m : b.K, Ldc = b.N, TransposeA = transposeA,
                M = m, N = b.N, K = b.K, Activation = activation, Shape = b.Shape,
                Shared = Align64(packed), SharedStride = b.Stride,
            };
            RunBands(p, byRows: true);
        }
    }

    /// <summary>Packs all of op(B) (k x n) in the layout row bands read, into <paramref name="target"/> (k x <paramref name="stride"/> values).</summary>
    internal static void PackWhole(float* b, bool transposeB, int k, int n, GemmKernelShape s, float* target, int stride)
    {
        int kb = KBlock(k);
        for (int pc0 = 0; pc0 < k; pc0 += kb)
        {
            GemmPacking.PackB(b, transposeB ? k : n, transposeB, pc0, Math.Min(kb, k - pc0), 0, n, s.NR, target + (long)pc0 * stride);
        }
    }

    internal static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    private static bool IsParallel(in Problem p) => WorkerPool.ThreadCount > 1 && (long)p.M * p.N * p.K >= SerialFlopLimit;

    /// <summary>Cuts C into bands of rows (or columns) and runs them, on all cores when the multiply is big enough.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBands(in Problem p, bool byRows)
    {
        GemmKernelShape s = p.Shape;
        bool parallel = IsParallel(p);
        int extent = byRows ? p.M : p.N;
        int granule = byRows ? s.MR : s.NR;
        int threads = parallel ? WorkerPool.ThreadCount : 1;
        int bands = threads * (int)Math.Ceiling(extent / (double)(threads * BandTarget));
        bands = Math.Max(1, Math.Min(bands, (extent + granule - 1) / granule));
        var job = new Bands(p, byRows, bands);
        if (parallel && bands > 1)
        {
            WorkerPool.Run(bands, job);
        }
        else
        {
            for (int i = 0; i < bands; i++)
            {
                job.Execute(i);
            }
        }
    }

    /// <summary>Computes rows [i0, i1) of C from the shared, fully packed B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRowBand(in Problem p, int i0, int i1)
    {
        GemmKernelShape s = p.Shape;
        float[] packedA = t_packedA ??= GC.AllocateUninitializedArray<float>(GemmKernelShape.MaxMC * KC + 16, pinned: true);
        fixed (float* pa0 = packedA)
        {
            float* pa = Align64(pa0);
            for (int jc = 0; jc < p.N; jc += NC)
            {
                int nc = Math.Min(NC, p.N - jc);
                int kb = KBlock(p.K);
                for (int pc = 0; pc < p.K; pc += kb)
                {
                    int kc = Math.Min(kb, p.K - pc);
                    float* pb = p.Shared + (long)pc * p.SharedStride + (long)jc * kc;
                    for (int ic = i0; ic < i1; ic += s.MC)
                    {
                        int mc = Math.Min(s.MC, i1 - ic);
                        float* direct = null;
                        int packedFrom = 0;
                        if (!p.TransposeA && s.Kernel == GemmKernel.Avx512)
                        {
                            // Row-major A is read in place; only a last panel of fewer than MR rows is packed (zero-padded).
                            direct = p.A + (long)ic * p.Lda + pc;
                            packedFrom = mc / s.MR * s.MR;
                        }

                        if (packedFrom < mc)
                        {
                            GemmPacking.PackA(p.A, p.Lda, p.TransposeA, ic + packedFrom, mc - packedFrom, pc, kc, s.MR, pa + (long)packedFrom * kc);
                        }

                        MultiplyBlock(s, mc, nc, kc, pa, direct, p.Lda, pb, p.C + (long)ic * p.Ldc + jc, p.Ldc, accumulate: pc > 0);
                        if (pc + kc == p.K)
                        {
                            ApplyEpilogue(p, ic, mc, jc, nc);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Computes columns [j0, j1) of C from the shared, fully packed A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunColumnBand(in Problem p, int j0, int j1)
    {
        GemmKernelShape s = p.Shape;
        float[] packedB = t_packedB ??= GC.AllocateUninitializedArray<float>(KC * NC + 16, pinned: true);
        fixed (float* pb0 = packedB)
        {
            float* pb = Align64(pb0);
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                int kb = KBlock(p.K);
                for (int pc = 0; pc < p.K; pc += kb)
                {
                    int kc = Math.Min(kb, p.K - pc);
                    GemmPacking.PackB(p.B, p.Ldb, p.TransposeB, pc, kc, jc, nc, s.NR, pb);
                    for (int ic = 0; ic < p.M; ic += s.MC)
                    {
                        int mc = Math.Min(s.MC, p.M - ic);
                        float* pa = p.Shared + (long)pc * p.SharedStride + (long)ic * kc;
                        MultiplyBlock(s, mc, nc, kc, pa, null, 0, pb, p.C + (long)ic * p.Ldc + jc, p.Ldc, accumulate: pc > 0);
                        if (pc + kc == p.K)
                        {
                            ApplyEpilogue(p, ic, mc, jc, nc);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The depth of each K block: K split into equal blocks of at most <see cref="KC"/>, so no block is a sliver.</summary>
    private static int KBlock(int k)
    {
        int blocks = (k + KC - 1) / KC;
        return RoundUp((k + blocks - 1) / blocks, 8);
    }

    private static int RoundUp(int value, int granule) => (value + granule - 1) / granule * granule;

    /// <summary>
    /// One block of C from packed B panels and either packed A panels (<paramref name="pa"/>) or, for every full
    /// MR-row panel when <paramref name="direct"/> is set, A read in place with row stride <paramref name="lda"/>, skipping
    /// the steps at which all of a panel's rows are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlock(GemmKernelShape s, int mc, int nc, int kc, float* pa, float* direct, int lda, float* pb, float* c, int ldc, bool accumulate)
    {
        float* tile = stackalloc float[GemmKernelShape.MaxTile];
        int* counts = stackalloc int[GemmKernelShape.MaxMC / 8];
        int[]? stepBuffer = direct == null ? null : t_steps ??= GC.AllocateUninitializedArray<int>(GemmKernelShape.MaxMC / 8 * KC + 16, pinned: true);
        fixed (int* steps = stepBuffer)
        {
            // Each full panel of A read in place lists its non-zero steps once, for every panel of B it meets.
            for (int ir = 0; steps != null && ir + s.MR <= mc; ir += s.MR)
            {
                counts[ir / s.MR] = GemmPacking.NonZeroSteps8(direct + (long)ir * lda, lda, kc, steps + ir / s.MR * kc);
            }

            for (int jr = 0; jr < nc; jr += s.NR)
            {
                int nr = Math.Min(s.NR, nc - jr);
                float* bPanel = pb + (long)jr * kc;
                for (int ir = 0; ir < mc; ir += s.MR)
                {
                    int mr = Math.Min(s.MR, mc - ir);
                    bool inPlace = direct != null && mr == s.MR;
                    float* aPanel = inPlace ? direct + (long)ir * lda : pa + (long)ir * kc;
                    float* cTile = c + (long)ir * ldc + jr;
                    bool fullTile = mr == s.MR && nr == s.NR;
                    float* target = fullTile ? cTile : tile;
                    int targetStride = fullTile ? ldc : s.NR;
                    bool add = fullTile && accumulate;
                    if (inPlace)
                    {
                        GemmMicroKernels.Avx512Kernel8x32InPlace(counts[ir / s.MR], steps + ir / s.MR * kc, aPanel, lda, bPanel, target, targetStride, add);
                    }
                    else
                    {
                        RunKernel(s.Kernel, kc, aPanel, bPanel, target, targetStride, add);
                    }

                    if (!fullTile)
                    {
                        MergeTile(tile, s.NR, cTile, ldc, mr, nr, accumulate);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunKernel(GemmKernel kernel, int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        switch (kernel)
        {
            case GemmKernel.Avx512:
                GemmMicroKernels.Avx512Kernel8x32(kc, a, b, c, ldc, accumulate);
                break;
            case GemmKernel.Avx2:
                GemmMicroKernels.Avx2Kernel6x16(kc, a, b, c, ldc, accumulate);
                break;
            default:
                GemmMicroKernels.PortableKernel4x8(kc, a, b, c, ldc, accumulate);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile(float* tile, int tileStride, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        for (int i = 0; i < mr; i++)
        {
            var source = new ReadOnlySpan<float>(tile + i * tileStride, nr);
            var target = new Span<float>(c + (long)i * ldc, nr);
            if (accumulate)
            {
                VectorKernels.Add(target, source);
            }
            else
            {
                source.CopyTo(target);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyEpilogue(in Problem p, int row0, int rows, int col0, int cols)
    {
        if (p.Bias == null && p.Activation == Activation.Identity)
        {
            return;
        }

        var bias = p.Bias == null ? default : new ReadOnlySpan<float>(p.Bias + col0, cols);
        for (int i = row0; i < row0 + rows; i++)
        {
            var row = new Span<float>(p.C + (long)i * p.Ldc + col0, cols);
            if (bias.IsEmpty)
            {
                ActivationKernels.Apply(p.Activation, row);
            }
            else if (p.Activation is Activation.Relu or Activation.Identity)
            {
                VectorKernels.AddBias(row, bias, relu: p.Activation == Activation.Relu);
            }
            else if (p.Activation == Activation.Sigmoid)
            {
                VectorKernels.Sigmoid(row, bias);
            }
            else
            {
                VectorKernels.Add(row, bias);
                ActivationKernels.Apply(p.Activation, row);
            }
        }
    }

    /// <summary>Packs the shared operand (all of B for row bands, all of A for column bands): each K block in two halves.</summary>
    private sealed class SharedPacking(Problem p, bool byRows) : IParallelWork
    {
        public int TaskCount => 2 * ((p.K + KBlock(p.K) - 1) / KBlock(p.K));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int index)
        {
            int kb = KBlock(p.K);
            int pc = index / 2 * kb;
            int kc = Math.Min(kb, p.K - pc);
            int extent = byRows ? p.N : p.M;
            int granule = byRows ? p.Shape.NR : p.Shape.MR;
            int half = (extent + 2 * granule - 1) / (2 * granule) * granule;
            int start = index % 2 == 0 ? 0 : Math.Min(half, extent);
            int end = index % 2 == 0 ? Math.Min(half, extent) : extent;
            if (start >= end)
            {
                return;
            }

            float* block = p.Shared + (long)pc * p.SharedStride + (long)start * kc;
            if (byRows)
            {
                GemmPacking.PackB(p.B, p.Ldb, p.TransposeB, pc, kc, start, end - start, p.Shape.NR, block);
            }
            else
            {
                GemmPacking.PackA(p.A, p.Lda, p.TransposeA, start, end - start, pc, kc, p.Shape.MR, block);
            }
        }
    }

    /// <summary>A multiply cut into bands of C's rows or columns, one per task.</summary>
    private sealed class Bands(Problem problem, bool byRows, int count) : IParallelWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int index)
        {
            GemmKernelShape s = problem.Shape;
            int extent = byRows ? problem.M : problem.N;
            int granule = byRows ? s.MR : s.NR;
            int granules = (extent + granule - 1) / granule;
            int start = (int)((long)granules * index / count) * granule;
            int end = Math.Min(extent, (int)((long)granules * (index + 1) / count) * granule);
            if (start >= end)
            {
                return;
            }

            if (byRows)
            {
                RunRowBand(problem, start, end);
            }
            else
            {
                RunColumnBand(problem, start, end);
            }
        }
    }

    /// <summary>One multiply's operands, and the operand packed once for all bands.</summary>
    private struct Problem
    {
        public float* A, B, C, Bias, Shared;
        public int Lda, Ldb, Ldc, M, N, K, SharedStride;
        public bool TransposeA, TransposeB;
        public Activation Activation;
        public GemmKernelShape Shape;
    }
}

/// <summary>The micro-kernels <see cref="Gemm"/> can run.</summary>
internal enum GemmKernel
{
    /// <summary>128-bit vectors: runs everywhere (NEON on ARM).</summary>
    Portable,

    /// <summary>256-bit AVX2 with FMA.</summary>
    Avx2,

    /// <summary>512-bit AVX-512F.</summary>
    Avx512,

    /// <summary>The widest kernel this CPU supports.</summary>
    Best = -1,
}

/// <summary>Tile and block sizes that go with a kernel.</summary>
internal readonly struct GemmKernelShape
{
    public const int MaxMC = 128;
    public const int MaxTile = 8 * 32;

    public GemmKernel Kernel { get; init; }
    public int MR { get; init; }
    public int NR { get; init; }
    public int MC { get; init; }

    public static GemmKernelShape Of(GemmKernel kernel) => Resolve(kernel) switch
    {
        GemmKernel.Avx512 => new() { Kernel = GemmKernel.Avx512, MR = 8, NR = 32, MC = 128 },
        GemmKernel.Avx2 => new() { Kernel = GemmKernel.Avx2, MR = 6, NR = 16, MC = 126 },
        _ => new() { Kernel = GemmKernel.Portable, MR = 4, NR = 8, MC = 128 },
    };

    /// <summary>Whether this CPU can run <paramref name="kernel"/>.</summary>
    public static bool IsSupported(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        GemmKernel.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    private static GemmKernel Resolve(GemmKernel kernel) =>
        kernel != GemmKernel.Best ? kernel
        : IsSupported(GemmKernel.Avx512) ? GemmKernel.Avx512
        : IsSupported(GemmKernel.Avx2) ? GemmKernel.Avx2
        : GemmKernel.Portable;
}
