using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Losses;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The negative log-likelihood of a row under a variational autoencoder's decoder: Bernoulli (binary cross-entropy, summed over features) for
/// a sigmoid output, otherwise a unit-variance Gaussian, 0.5 * sum (x - y)^2 + 0.5 * features * log(2 pi). Training sums it in single precision
/// on the logits with its gradient (<see cref="Compute"/>); scoring sums it per row in double precision (<see cref="Row"/>).
/// </summary>
internal static class ReconstructionLikelihood
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Whether the decoder of this architecture is Bernoulli (sigmoid output) rather than Gaussian.</summary>
    public static bool IsBernoulli(AutoencoderArchitecture architecture) => architecture.OutputActivation == Activation.Sigmoid;

    /// <summary>
    /// The summed negative log-likelihood of <paramref name="rows"/> rows, and (unless empty) its gradient divided by <paramref name="rows"/>
    /// with respect to the logits (Bernoulli) or outputs (Gaussian).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(bool bernoulli, ReadOnlySpan<float> output, ReadOnlySpan<float> logits, ReadOnlySpan<float> target, int rows, Span<float> gradient)
    {
        if (bernoulli)
        {
            return gradient.IsEmpty
                ? LossKernels.Sum(LossFunction.BinaryCrossEntropy, output, logits, target)
                : LossKernels.Compute(LossFunction.BinaryCrossEntropy, output, logits, target, gradient, rows);
        }

        double squares = gradient.IsEmpty
            ? LossKernels.Sum(LossFunction.MeanSquaredError, output, default, target)
            : LossKernels.Compute(LossFunction.MeanSquaredError, output, default, target, gradient, 2f * rows);
        return 0.5 * squares + HalfLogTwoPi * target.Length;
    }

    /// <summary>-log p(x | decoder output y) of one row in double precision, from sigmoid outputs clamped away from 0 and 1 (Bernoulli).</summary>
    public static double Row(bool bernoulli, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        if (bernoulli)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double p = Math.Clamp(y[i], 1e-7, 1 - 1e-7);
                sum -= x[i] * Math.Log(p) + (1 - x[i]) * Math.Log(1 - p);
            }

            return sum;
        }

        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            sum += 0.5 * d * d;
        }

        return sum + HalfLogTwoPi * x.Length;
    }
}
