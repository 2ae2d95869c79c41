using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>Vectorized, allocation-free forward and backward passes of each <see cref="Activation"/>, in place.</summary>
internal static class ActivationKernels
{
    /// <summary>Slope of <see cref="Activation.LeakyRelu"/> for negative inputs.</summary>
    public const float LeakySlope = 0.01f;

    private const int Chunk = 256;
    internal const float GeluScale = 0.7978845608f; // sqrt(2 / pi)
    internal const float GeluCubic = 0.044715f;

    /// <summary>Whether the backward pass needs the input of the activation, not just its output.</summary>
    public static bool NeedsInput(Activation activation) => activation == Activation.Gelu;

    /// <summary>Replaces each value x with f(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Activation activation, Span<float> values)
    {
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Relu:
                VectorKernels.Relu(values);
                break;
            case Activation.LeakyRelu:
                ApplyLeakyRelu(values);
                break;
            case Activation.Elu:
                ApplyElu(values);
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.Sigmoid:
                VectorKernels.Sigmoid(values, default);
                break;
            case Activation.Gelu:
                ApplyGelu(values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// Turns the gradient with respect to the activation's outputs into the gradient with respect to its inputs,
    /// in place. <paramref name="outputs"/> are f(x); <paramref name="inputs"/> are x, needed only where
    /// <see cref="NeedsInput"/> says so.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Activation activation, ReadOnlySpan<float> outputs, ReadOnlySpan<float> inputs, Span<float> gradient)
    {
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Relu:
                BackwardRelu(outputs, gradient, 0f);
                break;
            case Activation.LeakyRelu:
                BackwardRelu(outputs, gradient, LeakySlope);
                break;
            case Activation.Elu:
                BackwardElu(outputs, gradient);
                break;
            case Activation.Tanh:
                BackwardTanh(outputs, gradient);
                break;
            case Activation.Sigmoid:
                BackwardSigmoid(outputs, gradient);
                break;
            case Activation.Gelu:
                BackwardGelu(inputs, gradient);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyLeakyRelu(Span<float> values)
    {
        int i = 0;
        var slope = new Vector<float>(LeakySlope);
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(values[i..]);
            Vector.Max(v, v * slope).CopyTo(values[i..]);
        }

        for (; i < values.Length; i++)
        {
            values[i] = MathF.Max(values[i], values[i] * LeakySlope);
        }
    }

    private static void ApplyElu(Span<float> values)
    {
        Span<float> negative = stackalloc float[Chunk];
        for (int start = 0; start < values.Length; start += Chunk)
        {
            Span<float> x = values.Slice(start, Math.Min(Chunk, values.Length - start));
            Span<float> e = negative[..x.Length];
            TensorPrimitives.Min(x, 0f, e);
            TensorPrimitives.Exp(e, e);
            TensorPrimitives.Add(e, -1f, e);
            int i = 0;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, new Vector<float>(e[i..])).CopyTo(x[i..]);
            }

            for (; i < x.Length; i++)
            {
                x[i] = x[i] > 0f ? x[i] : e[i];
            }
        }
    }

    private static void ApplyGelu(Span<float> values)
    {
        Span<float> scratch = stackalloc float[Chunk];
        for (int start = 0; start < values.Length; start += Chunk)
        {
            Span<float> x = values.Slice(start, Math.Min(Chunk, values.Length - start));
            Span<float> t = scratch[..x.Length];
            GeluTanh(x, t);
            // x = 0.5 x (1 + t)
            TensorPrimitives.Add(t, 1f, t);
            TensorPrimitives.Multiply(t, 0.5f, t);
            TensorPrimitives.Multiply(x, t, x);
        }
    }

    /// <summary>t = tanh(sqrt(2/pi) (x + 0.044715 x^3)).</summary>
    private static void GeluTanh(ReadOnlySpan<float> x, Span<float> t)
    {
        TensorPrimitives.Multiply(x, x, t);
        TensorPrimitives.Multiply(t, GeluCubic, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Multiply(t, x, t);
        TensorPrimitives.Multiply(t, GeluScale, t);
        TensorPrimitives.Tanh(t, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRelu(ReadOnlySpan<float> outputs, Span<float> gradient, float negativeSlope)
    {
        var slope = new Vector<float>(negativeSlope);
        int i = 0;
        for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var g = new Vector<float>(gradient[i..]);
            var positive = Vector.GreaterThan(new Vector<float>(outputs[i..]), Vector<float>.Zero);
            Vector.ConditionalSelect(positive, g, g * slope).CopyTo(gradient[i..]);
        }

        for (; i < gradient.Length; i++)
        {
            gradient[i] = outputs[i] > 0f ? gradient[i] : gradient[i] * negativeSlope;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardElu(ReadOnlySpan<float> outputs, Span<float> gradient)
    {
        // For x <= 0, f'(x) = exp(x) = f(x) + 1.
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var g = new Vector<float>(gradient[i..]);
            var y = new Vector<float>(outputs[i..]);
            Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), g, g * (y + one)).CopyTo(gradient[i..]);
        }

        for (; i < gradient.Length; i++)
        {
            gradient[i] = outputs[i] > 0f ? gradient[i] : gradient[i] * (outputs[i] + 1f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardTanh(ReadOnlySpan<float> outputs, Span<float> gradient)
    {
        // f'(x) = 1 - f(x)^2
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var y = new Vector<float>(outputs[i..]);
            (new Vector<float>(gradient[i..]) * (one - y * y)).CopyTo(gradient[i..]);
        }

        for (; i < gradient.Length; i++)
        {
            gradient[i] *= 1f - outputs[i] * outputs[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardSigmoid(ReadOnlySpan<float> outputs, Span<float> gradient)
    {
        // f'(x) = f(x) (1 - f(x))
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var y = new Vector<float>(outputs[i..]);
            (new Vector<float>(gradient[i..]) * y * (one - y)).CopyTo(gradient[i..]);
        }

        for (; i < gradient.Length; i++)
        {
            gradient[i] *= outputs[i] * (1f - outputs[i]);
        }
    }

    private static void BackwardGelu(ReadOnlySpan<float> inputs, Span<float> gradient)
    {
        // f'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(sqrt(2/pi)(x + 0.044715 x^3))
        Span<float> scratch = stackalloc float[Chunk];
        for (int start = 0; start < gradient.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, gradient.Length - start);
            ReadOnlySpan<float> x = inputs.Slice(start, length);
            Span<float> g = gradient.Slice(start, length);
            Span<float> t = scratch[..length];
            GeluTanh(x, t);
            for (int i = 0; i < length; i++)
            {
                float xi = x[i], ti = t[i];
                float derivative = 0.5f * (1f + ti) + 0.5f * xi * (1f - ti * ti) * GeluScale * (1f + 3f * GeluCubic * xi * xi);
                g[i] *= derivative;
            }
        }
    }
}
