using System.Runtime.Intrinsics;

namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>
/// Copies blocks of the operands of <see cref="Gemm"/> into the order its micro-kernels read them:
/// A in panels of MR rows (kc steps of MR values), B in panels of NR columns (kc steps of NR values),
/// the last panel of each padded with zeros.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs rows [i0, i0 + mc) and columns [p0, p0 + kc) of op(A).</summary>
    public static void PackA(float* a, int lda, bool transposed, int i0, int mc, int p0, int kc, int mr, float* packed)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = packed + (long)ir * kc;
            if (transposed)
            {
                // op(A)[i, p] = a[p * lda + i]: each step's MR values are contiguous.
                float* source = a + (long)p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++)
                {
                    float* from = source + (long)p * lda;
                    float* to = panel + p * mr;
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        to[r] = from[r];
                    }

                    for (; r < mr; r++)
                    {
                        to[r] = 0f;
                    }
                }
            }
            else
            {
                // op(A)[i, p] = a[i * lda + p]: read each row in order, write it down a column of the panel.
                for (int r = 0; r < rows; r++)
                {
                    float* from = a + (long)(i0 + ir + r) * lda + p0;
                    float* to = panel + r;
                    for (int p = 0; p < kc; p++)
                    {
                        to[p * mr] = from[p];
                    }
                }

                for (int r = rows; r < mr; r++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        panel[p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B).</summary>
    public static void PackB(float* b, int ldb, bool transposed, int p0, int kc, int j0, int nc, int nr, float* packed)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = packed + (long)jr * kc;
            if (transposed)
            {
                // op(B)[p, j] = b[j * ldb + p]: read each column's row of b in order.
                for (int c = 0; c < cols; c++)
                {
                    float* from = b + (long)(j0 + jr + c) * ldb + p0;
                    float* to = panel + c;
                    for (int p = 0; p < kc; p++)
                    {
                        to[p * nr] = from[p];
                    }
                }

                for (int c = cols; c < nr; c++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        panel[p * nr + c] = 0f;
                    }
                }
            }
            else if (cols == nr && nr % Vector128<float>.Count == 0)
            {
                // op(B)[p, j] = b[p * ldb + j]: each step's NR values are contiguous.
                float* source = b + (long)p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++)
                {
                    new ReadOnlySpan<float>(source + (long)p * ldb, nr).CopyTo(new Span<float>(panel + p * nr, nr));
                }
            }
            else
            {
                float* source = b + (long)p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++)
                {
                    float* from = source + (long)p * ldb;
                    float* to = panel + p * nr;
                    int c = 0;
                    for (; c < cols; c++)
                    {
                        to[c] = from[c];
                    }

                    for (; c < nr; c++)
                    {
                        to[c] = 0f;
                    }
                }
            }
        }
    }
}
