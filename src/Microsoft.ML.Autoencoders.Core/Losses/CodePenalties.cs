using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoders.Losses;

/// <summary>Activity penalties on a batch of codes: each returns its value and adds its gradient with respect to the codes.</summary>
internal static class CodePenalties
{
    /// <summary>(weight / rows) * sum |code|; adds (weight / rows) * sign(code) to <paramref name="gradient"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double L1(ReadOnlySpan<float> codes, int rows, float weight, Span<float> gradient)
    {
        float scale = weight / rows;
        for (int i = 0; i < codes.Length; i++)
        {
            float c = codes[i];
            gradient[i] += c > 0f ? scale : c < 0f ? -scale : 0f;
        }

        return scale * (double)TensorPrimitives.SumOfMagnitudes(codes);
    }

    /// <summary>
    /// weight * sum over units of KL(target || mean activation over the rows), for codes in (0, 1); adds its gradient to
    /// <paramref name="gradient"/>. <paramref name="means"/> receives the mean activation of each unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double KlSparsity(ReadOnlySpan<float> codes, int rows, int width, float target, float weight, Span<float> gradient, Span<float> means)
    {
        means = means[..width];
        means.Clear();
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(means, codes.Slice(r * width, width), means);
        }

        double penalty = 0;
        for (int j = 0; j < width; j++)
        {
            float rho = Math.Clamp(means[j] / rows, 1e-6f, 1f - 1e-6f);
            penalty += target * Math.Log(target / rho) + (1 - target) * Math.Log((1 - target) / (1 - rho));
            means[j] = weight / rows * (-target / rho + (1 - target) / (1 - rho)); // now d penalty / d code of any row
        }

        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(gradient.Slice(r * width, width), means, gradient.Slice(r * width, width));
        }

        return weight * penalty;
    }
}
