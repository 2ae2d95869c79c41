using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>
/// Copies blocks of the operands of <see cref="Gemm"/> into the order its micro-kernels read them:
/// A in panels of MR rows (kc steps of MR values), B in panels of NR columns (kc steps of NR values),
/// the last panel of each padded with zeros.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Lists into <paramref name="steps"/> the steps p in [0, <paramref name="kc"/>) at which any of the 8 rows of row-major
    /// A at <paramref name="a"/> (row stride <paramref name="lda"/>) is not zero, in ascending order, and returns how many.
    /// A step where all 8 are zero (of either sign) adds nothing to the tile: background pixels, one-hot columns and
    /// ReLU units that are off for the whole panel are skipped. NaN and infinity are not zero, so they still propagate.
    /// With AVX-512, up to 15 values past the last step listed are overwritten, so <paramref name="steps"/> needs
    /// <paramref name="kc"/> + 16 slots.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int NonZeroSteps8(float* a, int lda, int kc, int* steps)
    {
        int count = 0;
        int p = 0;
        if (Avx512F.IsSupported)
        {
            Vector512<uint> magnitude = Vector512.Create(0x7FFF_FFFFu);
            for (; p <= kc - 16; p += 16)
            {
                float* column = a + p;
                Vector512<uint> any = Vector512.Load((uint*)column);
                for (int r = 1; r < 8; r++)
                {
                    any |= Vector512.Load((uint*)(column + (long)r * lda));
                }

                // The non-zero steps' indices, packed to the front of one vector and stored whole.
                Vector512<int> nonZero = ~Vector512.Equals(any & magnitude, Vector512<uint>.Zero).AsInt32();
                Avx512F.Compress(Vector512<int>.Zero, nonZero, Vector512<int>.Indices + Vector512.Create(p)).Store(steps + count);
                count += BitOperations.PopCount(nonZero.ExtractMostSignificantBits());
            }
        }

        for (; p < kc; p++)
        {
            for (int r = 0; r < 8; r++)
            {
                if (a[(long)r * lda + p] != 0f)
                {
                    steps[count++] = p;
                    break;
                }
            }
        }

        return count;
    }

    /// <summary>Packs rows [i0, i0 + mc) and columns [p0, p0 + kc) of op(A).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                if (rows == 8 && mr == 8)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        Vector256.Store(Vector256.Load(source + (long)p * lda), panel + p * 8);
                    }

                    continue;
                }

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
                if (rows == 8 && mr == 8 && Avx.IsSupported)
                {
                    TransposeRows(a + (long)(i0 + ir) * lda + p0, lda, kc, panel);
                    continue;
                }

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(float* b, int ldb, bool transposed, int p0, int kc, int j0, int nc, int nr, float* packed)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = packed + (long)jr * kc;
            if (transposed)
            {
                // op(B)[p, j] = b[j * ldb + p]: read each column's row of b in order.
                if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
                {
                    for (int c = 0; c < nr; c += 8)
                    {
                        TransposeRows(b + (long)(j0 + jr + c) * ldb + p0, ldb, kc, panel + c, nr);
                    }

                    continue;
                }

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
                    float* from = source + (long)p * ldb;
                    float* to = panel + p * nr;
                    for (int c = 0; c < nr; c += Vector128<float>.Count)
                    {
                        Vector128.Store(Vector128.Load(from + c), to + c);
                    }
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

    /// <summary>
    /// Writes the 8 rows at <paramref name="source"/> (row stride <paramref name="stride"/>, <paramref name="length"/> values each)
    /// column by column: value (r, p) goes to <c>target[p * targetStride + r]</c>. Eight by eight blocks are transposed in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeRows(float* source, int stride, int length, float* target, int targetStride = 8)
    {
        int p = 0;
        for (; p + 8 <= length; p += 8)
        {
            float* s = source + p;
            Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + stride);
            Vector256<float> r2 = Avx.LoadVector256(s + 2L * stride), r3 = Avx.LoadVector256(s + 3L * stride);
            Vector256<float> r4 = Avx.LoadVector256(s + 4L * stride), r5 = Avx.LoadVector256(s + 5L * stride);
            Vector256<float> r6 = Avx.LoadVector256(s + 6L * stride), r7 = Avx.LoadVector256(s + 7L * stride);

            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

            float* d = target + (long)p * targetStride;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + targetStride, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 2 * targetStride, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 3 * targetStride, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 4 * targetStride, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 5 * targetStride, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 6 * targetStride, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 7 * targetStride, Avx.Permute2x128(u3, u7, 0x31));
        }

        for (; p < length; p++)
        {
            for (int r = 0; r < 8; r++)
            {
                target[(long)p * targetStride + r] = source[(long)r * stride + p];
            }
        }
    }
}
