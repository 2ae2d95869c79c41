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
    private const long SerialFlopLimit = 1L << 21;

    [ThreadStatic] private static float[]? t_packedA;
    [ThreadStatic] private static float[]? t_packedB;

    /// <summary>The kernel used by <see cref="Multiply"/>; the best one the CPU supports unless a test sets another.</summary>
    internal static GemmKernel Kernel { get; set; } = GemmKernel.Best;

    /// <summary>
    /// C[m x n] = op(A)[m x k] * op(B)[k x n], then C += bias (per column, when given), then the activation.
    /// A is m x k row-major (k x m when <paramref name="transposeA"/>); B is k x n (n x k when <paramref name="transposeB"/>).
    /// </summary>
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
            var problem = new Problem
            {
                A = pa, B = pb, C = pc, Bias = bias.IsEmpty ? null : pbias,
                Lda = transposeA ? m : k, Ldb = transposeB ? k : n, Ldc = n,
                TransposeA = transposeA, TransposeB = transposeB,
                M = m, N = n, K = k, Activation = activation, Shape = GemmKernelShape.Of(Kernel),
            };
            int tasks = (long)m * n * k < SerialFlopLimit ? 1 : WorkerPool.ThreadCount;
            if (tasks == 1)
            {
                Run(problem);
            }
            else
            {
                WorkerPool.Run(tasks, new Tasks(problem, tasks));
            }
        }
    }

    private static void Run(in Problem p)
    {
        if (p.M == 0 || p.N == 0)
        {
            return;
        }

        if (p.K == 0)
        {
            for (int i = 0; i < p.M; i++)
            {
                new Span<float>(p.C + (long)i * p.Ldc, p.N).Clear();
            }

            ApplyEpilogue(p, 0, p.M, 0, p.N);
            return;
        }

        GemmKernelShape s = p.Shape;
        float[] packedA = t_packedA ??= GC.AllocateUninitializedArray<float>(GemmKernelShape.MaxMC * KC + 16, pinned: true);
        float[] packedB = t_packedB ??= GC.AllocateUninitializedArray<float>(KC * NC + 16, pinned: true);
        fixed (float* pa0 = packedA, pb0 = packedB)
        {
            float* pa = Align64(pa0);
            float* pb = Align64(pb0);
            for (int jc = 0; jc < p.N; jc += NC)
            {
                int nc = Math.Min(NC, p.N - jc);
                for (int pc = 0; pc < p.K; pc += KC)
                {
                    int kc = Math.Min(KC, p.K - pc);
                    bool accumulate = pc > 0;
                    bool last = pc + kc == p.K;
                    GemmPacking.PackB(p.B, p.Ldb, p.TransposeB, pc, kc, jc, nc, s.NR, pb);
                    for (int ic = 0; ic < p.M; ic += s.MC)
                    {
                        int mc = Math.Min(s.MC, p.M - ic);
                        GemmPacking.PackA(p.A, p.Lda, p.TransposeA, ic, mc, pc, kc, s.MR, pa);
                        MultiplyBlock(s, mc, nc, kc, pa, pb, p.C + (long)ic * p.Ldc + jc, p.Ldc, accumulate);
                        if (last)
                        {
                            ApplyEpilogue(p, ic, mc, jc, nc);
                        }
                    }
                }
            }
        }
    }

    private static void MultiplyBlock(GemmKernelShape s, int mc, int nc, int kc, float* pa, float* pb, float* c, int ldc, bool accumulate)
    {
        float* tile = stackalloc float[GemmKernelShape.MaxTile];
        for (int jr = 0; jr < nc; jr += s.NR)
        {
            int nr = Math.Min(s.NR, nc - jr);
            float* bPanel = pb + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += s.MR)
            {
                int mr = Math.Min(s.MR, mc - ir);
                float* aPanel = pa + (long)ir * kc;
                float* cTile = c + (long)ir * ldc + jr;
                if (mr == s.MR && nr == s.NR)
                {
                    RunKernel(s.Kernel, kc, aPanel, bPanel, cTile, ldc, accumulate);
                }
                else
                {
                    RunKernel(s.Kernel, kc, aPanel, bPanel, tile, s.NR, accumulate: false);
                    MergeTile(tile, s.NR, cTile, ldc, mr, nr, accumulate);
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

    private static void MergeTile(float* tile, int tileStride, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        for (int i = 0; i < mr; i++)
        {
            var source = new ReadOnlySpan<float>(tile + i * tileStride, nr);
            var target = new Span<float>(c + (long)i * ldc, nr);
            if (accumulate)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(source, target, target);
            }
            else
            {
                source.CopyTo(target);
            }
        }
    }

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
            if (!bias.IsEmpty)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(row, bias, row);
            }

            ActivationKernels.Apply(p.Activation, row);
        }
    }

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    /// <summary>A multiply cut into bands, one per task.</summary>
    private sealed class Tasks(Problem problem, int count) : IParallelWork
    {
        public void Execute(int index) => Run(problem.Slice(index, count));
    }

    /// <summary>One multiply's operands, and the part of it a task owns.</summary>
    private struct Problem
    {
        public float* A, B, C, Bias;
        public int Lda, Ldb, Ldc, M, N, K;
        public bool TransposeA, TransposeB;
        public Activation Activation;
        public GemmKernelShape Shape;

        /// <summary>Task <paramref name="t"/> of <paramref name="count"/>: a band of rows, or of columns when C is wider than tall.</summary>
        public readonly Problem Slice(int t, int count)
        {
            Problem q = this;
            if (M >= N)
            {
                (int start, int length) = Band(M, Shape.MR, t, count);
                q.M = length;
                q.A = TransposeA ? A + start : A + (long)start * Lda;
                q.C = C + (long)start * Ldc;
            }
            else
            {
                (int start, int length) = Band(N, Shape.NR, t, count);
                q.N = length;
                q.B = TransposeB ? B + (long)start * Ldb : B + start;
                q.C = C + start;
                q.Bias = Bias == null ? null : Bias + start;
            }

            return q;
        }

        private static (int Start, int Length) Band(int total, int granule, int t, int count)
        {
            int granules = (total + granule - 1) / granule;
            int start = (int)((long)granules * t / count) * granule;
            int end = Math.Min(total, (int)((long)granules * (t + 1) / count) * granule);
            return (Math.Min(start, total), Math.Max(0, end - start));
        }
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
