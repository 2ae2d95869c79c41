using Microsoft.ML.Autoencoders.Optimizers;

namespace Microsoft.ML.Autoencoders.Tests.Optimizers;

/// <summary>Each update rule against its textbook formula, in double precision, over a few steps.</summary>
[TestClass]
public sealed class UpdaterTests
{
    private const int Count = 150_000; // more than one chunk of the parallel update

    [TestMethod]
    [DataRow(false, 0f)]
    [DataRow(false, 0.01f)]
    [DataRow(true, 0.01f)]
    public void AdamStep_ThreeSteps_MatchesReferenceFormula(bool decoupled, float weightDecay)
    {
        const float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        var updater = new AdamUpdater(Count, b1, b2, eps, weightDecay, decoupled);
        float[] parameters = Values(1);
        double[] p = parameters.Select(x => (double)x).ToArray();
        double[] m = new double[Count], v = new double[Count];

        for (int t = 1; t <= 3; t++)
        {
            float[] gradients = Values(10 + t);
            for (int i = 0; i < Count; i++)
            {
                double g = gradients[i] + (decoupled ? 0 : weightDecay * p[i]);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = v[i] / (1 - Math.Pow(b2, t));
                p[i] = p[i] * (decoupled ? 1 - lr * weightDecay : 1) - lr * mHat / (Math.Sqrt(vHat) + eps);
            }

            updater.Step(parameters, gradients, lr);
        }

        for (int i = 0; i < Count; i++)
        {
            Assert.AreEqual(p[i], parameters[i], 1e-5, $"parameter {i}");
        }
    }

    [TestMethod]
    public void SgdStep_ThreeStepsWithMomentumAndDecay_MatchesReferenceFormula()
    {
        const float lr = 0.05f, momentum = 0.9f, decay = 0.001f;
        var updater = new SgdUpdater(Count, momentum, decay);
        float[] parameters = Values(2);
        double[] p = parameters.Select(x => (double)x).ToArray();
        double[] velocity = new double[Count];

        for (int t = 1; t <= 3; t++)
        {
            float[] gradients = Values(20 + t);
            for (int i = 0; i < Count; i++)
            {
                velocity[i] = momentum * velocity[i] + gradients[i] + decay * p[i];
                p[i] -= lr * velocity[i];
            }

            updater.Step(parameters, gradients, lr);
        }

        for (int i = 0; i < Count; i++)
        {
            Assert.AreEqual(p[i], parameters[i], 1e-5, $"parameter {i}");
        }
    }

    private static float[] Values(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
