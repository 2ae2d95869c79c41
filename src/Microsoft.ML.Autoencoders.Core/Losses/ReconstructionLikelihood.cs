using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoders.Losses;

/// <summary>
/// The negative log-likelihood of a row under a variational autoencoder's decoder: Bernoulli (binary cross-entropy on the logits, summed over
/// features) for a sigmoid output, otherwise a unit-variance Gaussian, 0.5 * sum (x - y)^2 + 0.5 * features * log(2 pi).
/// </summary>
internal static class ReconstructionLikelihood
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Whether the decoder of this architecture is Bernoulli (sigmoid output) rather than Gaussian.</summary>
    public static bool IsBernoulli(AutoencoderArchitecture architecture) => architecture.OutputActivation == Activation.Sigmoid;

    /// <summary>The loss function whose kernel computes the likelihood's data term.</summary>
    public static LossFunction KernelOf(bool bernoulli) => bernoulli ? LossFunction.BinaryCrossEntropy : LossFunction.MeanSquaredError;

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

    /// <summary>The negative log-likelihood of one row.</summary>
    public static double Row(bool bernoulli, ReadOnlySpan<float> output, ReadOnlySpan<float> logits, ReadOnlySpan<float> target) =>
        Compute(bernoulli, output, logits, target, 1, default);
}
