using System.Numerics;
using System.Runtime.CompilerServices;

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
}
