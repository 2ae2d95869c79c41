using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Members;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Tests.Family;

/// <summary>The contractive penalty of a one-layer encoder is the exact squared Frobenius norm of its Jacobian, not a sample of it.</summary>
[TestClass]
public sealed class ContractivePenaltyTests
{
    [TestMethod]
    [DataRow(Activation.Sigmoid)]
    [DataRow(Activation.Tanh)]
    [DataRow(Activation.Elu)]
    public void Compute_OneLayerEncoder_EqualsSquaredFrobeniusNormOfNumericalJacobian(Activation activation)
    {
        const int inputs = 5, outputs = 3;
        var network = new DenseAutoencoderNetwork(new AutoencoderArchitecture(inputs, [], outputs, [], Activation.Relu, activation));
        var random = new SeededRandom(21);
        var parameters = new float[network.ParameterCount];
        network.Initialize(parameters, WeightInitialization.Glorot, random);
        DenseLayer encoder = network.DenseLayers[0];
        var x = new float[inputs];
        for (int i = 0; i < inputs; i++)
        {
            x[i] = random.NextGaussian();
        }

        var h = new float[outputs];
        encoder.Forward(parameters, x, 1, h, Span<float>.Empty);
        float[] scratch = new float[outputs], norms = new float[outputs], slopes = new float[outputs];
        double penalty = ContractivePenalty.Compute(activation, encoder.Weights(parameters), inputs, outputs, h, 1, 1f, scratch, norms, slopes);

        double frobenius = 0;
        const float step = 1e-3f;
        float[] plus = new float[outputs], minus = new float[outputs];
        for (int j = 0; j < inputs; j++)
        {
            float original = x[j];
            x[j] = original + step;
            encoder.Forward(parameters, x, 1, plus, Span<float>.Empty);
            x[j] = original - step;
            encoder.Forward(parameters, x, 1, minus, Span<float>.Empty);
            x[j] = original;
            for (int k = 0; k < outputs; k++)
            {
                double derivative = (plus[k] - minus[k]) / (2.0 * step);
                frobenius += derivative * derivative;
            }
        }

        Assert.AreEqual(frobenius, penalty, 2e-3 * frobenius + 1e-5);
    }
}
