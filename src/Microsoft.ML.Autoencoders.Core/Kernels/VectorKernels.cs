using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>
/// The element-wise loops a training step calls thousands of times per second, written out and compiled fully
/// optimized from their first call (TensorPrimitives' generic paths start out unoptimized and slowed the first
/// epoch by a third).
/// </summary>
internal static class VectorKernels
{
    /// <summary>target[i] += source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(Span<float> target, ReadOnlySpan<float> source)
    {
        int i = 0;
        for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            (new Vector<float>(target[i..]) + new Vector<float>(source[i..])).CopyTo(target[i..]);
        }

        for (; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }

    /// <summary>values[i] = max(values[i] + bias[i], 0) when <paramref name="relu"/>, values[i] + bias[i] otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(Span<float> values, ReadOnlySpan<float> bias, bool relu)
    {
        int i = 0;
        if (relu)
        {
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Max(new Vector<float>(values[i..]) + new Vector<float>(bias[i..]), Vector<float>.Zero).CopyTo(values[i..]);
            }

            for (; i < values.Length; i++)
            {
                values[i] = MathF.Max(values[i] + bias[i], 0f);
            }
        }
        else
        {
            Add(values, bias);
        }
    }

    /// <summary>values[i] = max(values[i], 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu(Span<float> values)
    {
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Max(new Vector<float>(values[i..]), Vector<float>.Zero).CopyTo(values[i..]);
        }

        for (; i < values.Length; i++)
        {
            values[i] = MathF.Max(values[i], 0f);
        }
    }

    /// <summary>The Euclidean norm, accumulated in double per vector lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Norm(ReadOnlySpan<float> values)
    {
        const int Block = 4096;
        double total = 0;
        for (int start = 0; start < values.Length; start += Block)
        {
            ReadOnlySpan<float> block = values.Slice(start, Math.Min(Block, values.Length - start));
            var sum = Vector<float>.Zero;
            int i = 0;
            for (; i <= block.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(block[i..]);
                sum += v * v;
            }

            double blockSum = Vector.Sum(sum);
            for (; i < block.Length; i++)
            {
                blockSum += block[i] * block[i];
            }

            total += blockSum;
        }

        return Math.Sqrt(total);
    }

    /// <summary>values[i] *= factor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> values, float factor)
    {
        var f = new Vector<float>(factor);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            (new Vector<float>(values[i..]) * f).CopyTo(values[i..]);
        }

        for (; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    /// <summary>values[i] = sigmoid(values[i] + bias[i]), or sigmoid(values[i]) when <paramref name="bias"/> is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Sigmoid(Span<float> values, ReadOnlySpan<float> bias)
    {
        bool hasBias = !bias.IsEmpty;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            fixed (float* v = values, b = bias)
            {
                for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    Vector512<float> x = Vector512.Load(v + i);
                    if (hasBias)
                    {
                        x += Vector512.Load(b + i);
                    }

                    Reciprocal(Vector512<float>.One + Exp(-x)).Store(v + i);
                }
            }
        }

        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var x = new Vector<float>(values[i..]);
            if (hasBias)
            {
                x += new Vector<float>(bias[i..]);
            }

            (Vector<float>.One / (Vector<float>.One + Exp(-x))).CopyTo(values[i..]);
        }

        for (; i < values.Length; i++)
        {
            float x = values[i] + (hasBias ? bias[i] : 0f);
            values[i] = 1f / (1f + MathF.Exp(-x));
        }
    }

    /// <summary>1 / d for d &gt;= 1: AVX-512's 14-bit reciprocal estimate refined by one Newton step (to within float rounding), cheaper than a division.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reciprocal(Vector512<float> d)
    {
        if (!Avx512F.IsSupported)
        {
            return Vector512<float>.One / d;
        }

        Vector512<float> r = Avx512F.Reciprocal14(d);
        return r * (Vector512.Create(2f) - d * r);
    }

    /// <summary>
    /// The 512-bit form of <see cref="Exp(Vector{float})"/>, in fused multiply-adds, with n rounded to nearest rather
    /// than floored and 2^n applied by AVX-512's scale instruction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88.3f));
        Vector512<float> n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        Vector512<float> p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        return Avx512F.IsSupported ? Avx512F.Scale(p, n) : p * (Vector512.ConvertToInt32(n) + Vector512.Create(127) << 23).AsSingle();
    }

    /// <summary>
    /// e^x to within about two units in the last place (Cephes' expf: x = n ln 2 + r, a degree-6 polynomial for e^r,
    /// then 2^n through the exponent bits), with x clamped to the range where the result is a normal float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Exp(Vector<float> x)
    {
        x = Vector.Min(Vector.Max(x, new Vector<float>(-87.3f)), new Vector<float>(88.3f));
        Vector<float> n = Vector.Floor(x * new Vector<float>(1.44269504088896341f) + new Vector<float>(0.5f));
        Vector<float> r = x - n * new Vector<float>(0.693359375f) - n * new Vector<float>(-2.12194440e-4f);
        Vector<float> p = new Vector<float>(1.9875691500e-4f);
        p = p * r + new Vector<float>(1.3981999507e-3f);
        p = p * r + new Vector<float>(8.3334519073e-3f);
        p = p * r + new Vector<float>(4.1665795894e-2f);
        p = p * r + new Vector<float>(1.6666665459e-1f);
        p = p * r + new Vector<float>(5.0000001201e-1f);
        p = p * r * r + r + Vector<float>.One;
        Vector<int> exponent = (Vector.ConvertToInt32(n) + new Vector<int>(127)) << 23;
        return p * Vector.AsVectorSingle(exponent);
    }
}
