using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Tests.Family;

/// <summary>
/// Central finite differences of each family member's whole batch loss (reconstruction plus penalties) against its analytic gradient.
/// Every evaluation rebuilds the pass on a fresh generator with the same seed, so noise, dropout masks and VAE samples are identical.
/// </summary>
[TestClass]
public sealed class FamilyGradientCheckTests
{
    [TestMethod]
    public void Step_CodeL1Penalty_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(6, [5], 3, [4], Activation.Tanh, Activation.Tanh, Activation.Identity), new TrainingOptions { CodeL1Penalty = 0.3f });

    [TestMethod]
    public void Step_KlSparsityOnSigmoidCode_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(6, [5], 4, null, Activation.Tanh, Activation.Sigmoid, Activation.Sigmoid),
            new TrainingOptions { SparsityPenalty = 0.5f, SparsityTarget = 0.1f, Loss = LossFunction.BinaryCrossEntropy }, unitInputs: true);

    [TestMethod]
    [DataRow(Activation.Sigmoid)]
    [DataRow(Activation.Tanh)]
    [DataRow(Activation.Identity)]
    [DataRow(Activation.Elu)]
    public void Step_ContractiveOneLayerEncoder_MatchesFiniteDifferences(Activation code) =>
        Check(new AutoencoderArchitecture(6, [], 4, [], Activation.Tanh, code, Activation.Identity), new TrainingOptions { ContractivePenalty = 0.7f });

    [TestMethod]
    public void Step_ContractiveDeepEncoder_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(7, [6, 5], 3, [5], Activation.Sigmoid, Activation.Tanh, Activation.Identity), new TrainingOptions { ContractivePenalty = 0.4f });

    [TestMethod]
    public void Step_DropoutOnHiddenLayers_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(6, [8, 7], 3, [7, 8], Activation.Tanh, Activation.Identity, Activation.Identity), new TrainingOptions { DropoutRate = 0.3f });

    [TestMethod]
    [DataRow(NoiseKind.Gaussian, 0.3f)]
    [DataRow(NoiseKind.Masking, 0.3f)]
    [DataRow(NoiseKind.SaltAndPepper, 0.2f)]
    public void Step_EachNoiseKind_MatchesFiniteDifferences(NoiseKind noise, float level) =>
        Check(new AutoencoderArchitecture(6, [5], 3, null, Activation.Tanh, Activation.Identity, Activation.Identity), new TrainingOptions { Noise = noise, NoiseLevel = level });

    [TestMethod]
    public void Step_WinnerTakeAllWithLifetimeSparsity_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(6, [7], 5, null, Activation.Tanh, Activation.Identity, Activation.Identity) { WinnerTakeAllK = 2 },
            new TrainingOptions { LifetimeSparsity = 0.5f });

    [TestMethod]
    public void Step_VariationalBernoulli_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(7, [6], 3, null, Activation.Tanh, Activation.Identity, Activation.Sigmoid) { IsVariational = true },
            new TrainingOptions { KlWeight = 1f }, unitInputs: true);

    [TestMethod]
    public void Step_VariationalGaussianBetaTwo_MatchesFiniteDifferences() =>
        Check(new AutoencoderArchitecture(6, [5], 2, [4], Activation.Elu, Activation.Identity, Activation.Identity) { IsVariational = true },
            new TrainingOptions { KlWeight = 2f });

    /// <summary>A fresh pass with the same generator each time, so that dropout and the latent samples repeat.</summary>
    private static ITrainingPass Pass(AutoencoderNetwork network, TrainingOptions options, int rows) =>
        network.CreateTrainingPass(new TrainingPassSetup(options, new SeededRandom(99), rows, MissingValues: false, GuessRounds: 0));

    private static void Check(AutoencoderArchitecture architecture, TrainingOptions options, bool unitInputs = false)
    {
        const int rows = 4;
        var random = new SeededRandom(7);
        AutoencoderNetwork network = architecture.Network;
        var parameters = new float[network.ParameterCount];
        network.Initialize(parameters, WeightInitialization.Glorot, random);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += 0.2f * random.NextGaussian();
        }

        var input = new float[rows * architecture.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = unitInputs ? random.NextFloat() : random.NextGaussian();
        }

        // The session corrupts a denoising autoencoder's input; the pass differentiates the loss of the corrupted input against the clean one.
        float[] corrupted = options.Noise == NoiseKind.None ? input
            : new InputCorruption(options.Noise, options.NoiseLevel, new FeatureMatrix(input, architecture.InputSize), rows).Apply(input, new SeededRandom(98)).ToArray();
        var analytic = new float[parameters.Length];
        Pass(network, options, rows).Step(parameters, corrupted, input, rows, analytic);

        const float step = 1e-3f;
        var scratch = new float[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            parameters[i] = original + step;
            double plus = Pass(network, options, rows).Step(parameters, corrupted, input, rows, scratch);
            parameters[i] = original - step;
            double minus = Pass(network, options, rows).Step(parameters, corrupted, input, rows, scratch);
            parameters[i] = original;
            double numeric = (plus - minus) / (2 * step);
            Assert.AreEqual(numeric, analytic[i], 3e-3 + 2e-2 * Math.Abs(numeric), $"dL/dparameter[{i}] of {architecture}");
        }
    }
}
