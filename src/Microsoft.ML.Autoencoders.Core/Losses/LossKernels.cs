using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Microsoft.ML.Autoencoders.Losses;

/// <summary>Values and gradients of each <see cref="LossFunction"/>, vectorized and allocation-free.</summary>
internal static class LossKernels
{
    /// <summary>Whether <paramref name="loss"/> needs the output layer's logits (its gradient then is with respect to the logits).</summary>
    public static bool UsesLogits(LossFunction loss) => loss == LossFunction.BinaryCrossEntropy;

    /// <summary>
    /// Returns the sum of the loss over every value, and writes into <paramref name="gradient"/> the gradient of
    /// (sum / <paramref name="normalizer"/>): with respect to <paramref name="output"/> for mean squared error, and with
    /// respect to the logits for binary cross-entropy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(
        LossFunction loss,
        ReadOnlySpan<float> output,
        ReadOnlySpan<float> logits,
        ReadOnlySpan<float> target,
        Span<float> gradient,
        float normalizer)
    {
        return loss switch
        {
            LossFunction.MeanSquaredError => SquaredError(output, target, gradient, 2f / normalizer),
            LossFunction.BinaryCrossEntropy => CrossEntropy(output, logits, target, gradient, 1f / normalizer),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss function."),
        };
    }

    /// <summary>Sum over every value of the loss, without gradients (for validation).</summary>
    public static double Sum(LossFunction loss, ReadOnlySpan<float> output, ReadOnlySpan<float> logits, ReadOnlySpan<float> target) =>
        loss switch
        {
            LossFunction.MeanSquaredError => SquaredError(output, target, default, 0f),
            LossFunction.BinaryCrossEntropy => CrossEntropy(output, logits, target, default, 0f),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss function."),
        };

    /// <summary>
    /// The sum of squared errors each weighted by <paramref name="weights"/>, and (unless empty) its gradient scaled by <paramref name="scale"/>:
    /// the loss of rows with missing values, whose weight 0 leaves them out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double MaskedSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> weights, Span<float> gradient, float scale)
    {
        bool withGradient = !gradient.IsEmpty;
        var total = Vector<float>.Zero;
        var s = new Vector<float>(scale);
        int i = 0;
        for (; i <= output.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var e = new Vector<float>(output[i..]) - new Vector<float>(target[i..]);
            var we = e * new Vector<float>(weights[i..]);
            total += we * e;
            if (withGradient)
            {
                (we * s).CopyTo(gradient[i..]);
            }
        }

        double sum = Vector.Sum(total);
        for (; i < output.Length; i++)
        {
            float e = output[i] - target[i];
            float we = e * weights[i];
            sum += we * e;
            if (withGradient)
            {
                gradient[i] = we * scale;
            }
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient, float scale)
    {
        bool withGradient = !gradient.IsEmpty;
        var total = Vector<float>.Zero;
        var s = new Vector<float>(scale);
        int i = 0;
        for (; i <= output.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var d = new Vector<float>(output[i..]) - new Vector<float>(target[i..]);
            total += d * d;
            if (withGradient)
            {
                (d * s).CopyTo(gradient[i..]);
            }
        }

        double sum = Vector.Sum(total);
        for (; i < output.Length; i++)
        {
            float d = output[i] - target[i];
            sum += d * d;
            if (withGradient)
            {
                gradient[i] = d * scale;
            }
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropy(ReadOnlySpan<float> output, ReadOnlySpan<float> logits, ReadOnlySpan<float> target, Span<float> gradient, float scale)
    {
        // loss(z, t) = max(z, 0) - z t + log(1 + exp(-|z|)); d loss / dz = sigmoid(z) - t.
        const int chunk = 256;
        Span<float> scratch = stackalloc float[chunk];
        double sum = 0;
        for (int start = 0; start < logits.Length; start += chunk)
        {
            ReadOnlySpan<float> z = logits.Slice(start, Math.Min(chunk, logits.Length - start));
            Span<float> t = scratch[..z.Length];
            TensorPrimitives.Abs(z, t);
            TensorPrimitives.Multiply(t, -1f, t);
            TensorPrimitives.Exp(t, t);
            TensorPrimitives.Add(t, 1f, t);
            TensorPrimitives.Log(t, t);
            sum += TensorPrimitives.Sum(t);
            TensorPrimitives.Max(z, 0f, t);
            sum += TensorPrimitives.Sum(t);
            sum -= TensorPrimitives.Dot(z, target.Slice(start, z.Length));
        }

        if (!gradient.IsEmpty)
        {
            TensorPrimitives.Subtract(output, target, gradient[..output.Length]);
            TensorPrimitives.Multiply(gradient[..output.Length], scale, gradient[..output.Length]);
        }

        return sum;
    }
}
