using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Tests.Layers;

/// <summary>Central finite differences of the loss against the analytic gradients of dense layers, every activation and every loss.</summary>
[TestClass]
public sealed class GradientCheckTests
{
    public static IEnumerable<object[]> HiddenActivations() =>
        Enum.GetValues<Activation>().Select(a => new object[] { a.ToString() });

    [TestMethod]
    [DynamicData(nameof(HiddenActivations))]
    public void Backward_EachHiddenActivationWithSquaredError_MatchesFiniteDifferences(string activation)
    {
        var act = Enum.Parse<Activation>(activation);
        var architecture = new AutoencoderArchitecture(6, [5], 3, [4], act, act, act);
        CheckGradients(architecture, LossFunction.MeanSquaredError, seed: 11);
    }

    [TestMethod]
    public void Backward_CrossEntropyOnSigmoidOutput_MatchesFiniteDifferences()
    {
        var architecture = new AutoencoderArchitecture(7, [5], 3, null, Activation.Tanh, Activation.Identity, Activation.Sigmoid);
        CheckGradients(architecture, LossFunction.BinaryCrossEntropy, seed: 12);
    }

    [TestMethod]
    public void Backward_DeepAsymmetricNetwork_MatchesFiniteDifferences()
    {
        var architecture = new AutoencoderArchitecture(9, [8, 6], 2, [7], Activation.Elu, Activation.Gelu, Activation.Identity);
        CheckGradients(architecture, LossFunction.MeanSquaredError, seed: 13);
    }

    private static void CheckGradients(AutoencoderArchitecture architecture, LossFunction loss, int seed)
    {
        const int rows = 4;
        var random = new SeededRandom(seed);
        AutoencoderNetwork network = architecture.Network;
        var parameters = new float[network.ParameterCount];
        network.Initialize(parameters, WeightInitialization.Glorot, random);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += 0.1f * random.NextGaussian(); // non-zero biases too
        }

        var input = new float[rows * architecture.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = loss == LossFunction.BinaryCrossEntropy ? random.NextFloat() : random.NextGaussian();
        }

        ITrainingPass pass = network.CreateTrainingPass(new TrainingPassSetup(new TrainingOptions { Loss = loss }, random, rows, MissingValues: false, GuessRounds: 0));
        var analytic = new float[parameters.Length];
        pass.Step(parameters, input, input, rows, analytic);

        const float step = 2e-3f;
        var scratch = new float[parameters.Length];
        int checkedCount = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            parameters[i] = original + step;
            double plus = pass.Step(parameters, input, input, rows, scratch);
            parameters[i] = original - step;
            double minus = pass.Step(parameters, input, input, rows, scratch);
            parameters[i] = original;
            double numeric = (plus - minus) / (2 * step);
            double tolerance = 2e-3 + 2e-2 * Math.Abs(numeric);
            Assert.AreEqual(numeric, analytic[i], tolerance, $"dL/dparameter[{i}] for {architecture} with {loss}");
            checkedCount++;
        }

        Assert.AreEqual(network.ParameterCount, checkedCount);
    }
}
