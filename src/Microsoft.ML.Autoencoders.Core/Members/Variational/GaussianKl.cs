using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// KL(N(mean, exp(logVariance)) || N(0, I)) = -0.5 * sum_j (1 + logVariance_j - mean_j^2 - exp(logVariance_j)), per row, for a code layer
/// whose rows hold the means and then the log-variances.
/// </summary>
internal static class GaussianKl
{
    /// <summary>The log-variance is clamped to [-<see cref="LogVarianceLimit"/>, <see cref="LogVarianceLimit"/>] before exp, so the terms stay finite.</summary>
    public const float LogVarianceLimit = 30f;

    /// <summary>The KL divergence of row <paramref name="row"/> of <paramref name="head"/> (2 * latent values per row). Never negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Row(ReadOnlySpan<float> head, int row, int latent)
    {
        ReadOnlySpan<float> mean = head.Slice(row * 2 * latent, latent);
        ReadOnlySpan<float> logVariance = head.Slice(row * 2 * latent + latent, latent);
        double sum = 0;
        for (int j = 0; j < latent; j++)
        {
            double lv = Math.Clamp(logVariance[j], -LogVarianceLimit, LogVarianceLimit);
            double m = mean[j];

            // exp(lv) - 1 - lv >= 0 for every lv, and m^2 >= 0: each term is non-negative however it rounds.
            sum += 0.5 * (m * m + Math.Max(0.0, Math.Exp(lv) - 1 - lv));
        }

        return sum;
    }

    /// <summary>Adds <paramref name="scale"/> times d KL / d head (mean: m; log-variance: 0.5 (exp(lv) - 1)) to <paramref name="gradient"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddGradient(ReadOnlySpan<float> head, int rows, int latent, float scale, Span<float> gradient)
    {
        for (int r = 0; r < rows; r++)
        {
            int offset = r * 2 * latent;
            for (int j = 0; j < latent; j++)
            {
                gradient[offset + j] += scale * head[offset + j];
                float lv = Math.Clamp(head[offset + latent + j], -LogVarianceLimit, LogVarianceLimit);
                gradient[offset + latent + j] += scale * 0.5f * (MathF.Exp(lv) - 1f);
            }
        }
    }
}
