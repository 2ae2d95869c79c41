using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoders.Losses;

/// <summary>
/// The contractive penalty of one dense layer y = f(x W + b): (weight / rows) * sum over rows of ||dy/dx||_F^2, which is exactly
/// (weight / rows) * sum_r sum_k f'(z_rk)^2 * sum_j W_jk^2. Its gradients are taken through f' (with respect to the pre-activations z)
/// and through W directly.
/// </summary>
internal static class ContractivePenalty
{
    /// <summary>Whether the penalty supports <paramref name="activation"/> (it needs f' and f'' from the layer's outputs).</summary>
    public static bool Supports(Activation activation) => activation != Activation.Gelu;

    /// <summary>
    /// Returns the penalty; adds its gradient with respect to the pre-activations to <paramref name="preActivationGradient"/> (rows x outputs).
    /// <paramref name="columnNorms"/> receives sum_j W_jk^2 and <paramref name="slopeSums"/> (weight / rows) * sum_r f'(z_rk)^2, both needed by
    /// <see cref="AddWeightGradient"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(
        Activation activation, ReadOnlySpan<float> weights, int inputs, int outputs, ReadOnlySpan<float> layerOutputs, int rows, float weight,
        Span<float> preActivationGradient, Span<float> columnNorms, Span<float> slopeSums)
    {
        columnNorms = columnNorms[..outputs];
        slopeSums = slopeSums[..outputs];
        columnNorms.Clear();
        slopeSums.Clear();
        for (int j = 0; j < inputs; j++)
        {
            ReadOnlySpan<float> row = weights.Slice(j * outputs, outputs);
            TensorPrimitives.MultiplyAdd(row, row, columnNorms, columnNorms);
        }

        float scale = weight / rows;
        double penalty = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < outputs; k++)
            {
                int index = r * outputs + k;
                (float slope, float curvature) = Derivatives(activation, layerOutputs[index]);
                float s2 = slope * slope;
                penalty += s2 * columnNorms[k];
                slopeSums[k] += s2;
                preActivationGradient[index] += scale * 2f * slope * curvature * columnNorms[k];
            }
        }

        TensorPrimitives.Multiply(slopeSums, scale, slopeSums);
        return scale * penalty;
    }

    /// <summary>Adds d penalty / dW_jk = 2 W_jk * slopeSums_k to the layer's weight gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddWeightGradient(ReadOnlySpan<float> weights, int inputs, int outputs, ReadOnlySpan<float> slopeSums, Span<float> weightGradient, Span<float> scratch)
    {
        Span<float> twice = scratch[..outputs];
        TensorPrimitives.Multiply(slopeSums[..outputs], 2f, twice);
        for (int j = 0; j < inputs; j++)
        {
            Span<float> gradientRow = weightGradient.Slice(j * outputs, outputs);
            TensorPrimitives.MultiplyAdd(weights.Slice(j * outputs, outputs), twice, gradientRow, gradientRow);
        }
    }

    /// <summary>f'(z) and f''(z) written in terms of y = f(z).</summary>
    private static (float Slope, float Curvature) Derivatives(Activation activation, float y) => activation switch
    {
        Activation.Identity => (1f, 0f),
        Activation.Relu => (y > 0f ? 1f : 0f, 0f),
        Activation.LeakyRelu => (y > 0f ? 1f : Kernels.ActivationKernels.LeakySlope, 0f),
        Activation.Elu => y > 0f ? (1f, 0f) : (y + 1f, y + 1f),
        Activation.Tanh => (1f - y * y, -2f * y * (1f - y * y)),
        Activation.Sigmoid => (y * (1f - y), y * (1f - y) * (1f - 2f * y)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "The contractive penalty does not support this activation."),
    };
}
