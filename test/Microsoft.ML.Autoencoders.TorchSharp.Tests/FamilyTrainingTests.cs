namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// Every member of the family trains on TorchSharp (on the CPU here) from the engine's initial weights: its loss falls, and ends within 5% of
/// the engine's for the same architecture, options, seed and epochs.
/// </summary>
[TestClass]
public sealed class FamilyTrainingTests
{
    private static readonly Lazy<FeatureMatrix> Images = new(() => FashionMnist.Read("train", 1000).Images);

    private static AutoencoderArchitecture Dense(Activation code = Activation.Identity, int[]? hidden = null) =>
        new(784, hidden ?? [64], 16, null, Activation.Relu, code, Activation.Sigmoid);

    public static IEnumerable<object[]> Members =>
    [
        ["plain, mean squared error", Dense(), new TrainingOptions()],
        ["plain, binary cross-entropy", Dense(), new TrainingOptions { Loss = LossFunction.BinaryCrossEntropy }],
        ["denoising, masking", Dense(), new TrainingOptions { Noise = NoiseKind.Masking, NoiseLevel = 0.3f }],
        ["denoising, Gaussian", Dense(), new TrainingOptions { Noise = NoiseKind.Gaussian, NoiseLevel = 0.2f }],
        ["denoising, salt and pepper", Dense(), new TrainingOptions { Noise = NoiseKind.SaltAndPepper, NoiseLevel = 0.1f }],
        ["sparse, L1 on the code", Dense(Activation.Relu), new TrainingOptions { CodeL1Penalty = 1e-3f }],
        ["sparse, KL toward a target activation", Dense(Activation.Sigmoid), new TrainingOptions { SparsityPenalty = 0.05f, SparsityTarget = 0.1f }],
        ["contractive", new AutoencoderArchitecture(784, [], 32, null, Activation.Relu, Activation.Sigmoid, Activation.Sigmoid), new TrainingOptions { ContractivePenalty = 0.01f }],
        ["dropout", Dense(hidden: [128, 64]), new TrainingOptions { DropoutRate = 0.2f }],
        ["stacked, layer-wise pretraining", Dense(hidden: [128, 64]), new TrainingOptions { LayerwisePretrainingEpochs = 2 }],
        ["winner-take-all, k and lifetime", new AutoencoderArchitecture(784, [64], 16, null, Activation.Relu, Activation.Relu, Activation.Sigmoid) { WinnerTakeAllK = 4 }, new TrainingOptions { LifetimeSparsity = 0.3f }],
        ["variational", new AutoencoderArchitecture(784, [64], 8, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true }, new TrainingOptions()],
        ["convolutional", AutoencoderArchitecture.Convolutional(new ConvolutionalLayout(
            1, 28, 28, [new ConvolutionStage(8, 3, 2, 1), new ConvolutionStage(16, 3, 2, 1)], 16,
            [new DecoderStage(8, 4, 2, 1, Transposed: true), new DecoderStage(1, 4, 2, 1, Transposed: true)])), new TrainingOptions()],
        ["AdamW with weight decay and a cosine schedule", Dense(), new TrainingOptions { Optimizer = Optimizer.AdamW, WeightDecay = 0.01f, Schedule = LearningRateSchedule.Cosine }],
        ["SGD with momentum, clipped gradients", Dense(), new TrainingOptions { Optimizer = Optimizer.Sgd, LearningRate = 0.05f, GradientClipNorm = 1f }],
    ];

    [TestMethod]
    [DynamicData(nameof(Members))]
    public void Member_LossFallsAndEndsWithin5PercentOfTheEngine(string name, AutoencoderArchitecture architecture, TrainingOptions options)
    {
        TrainingOptions run = With(options, epochs: 6, batchSize: 50, seed: 5);

        TrainingResult torch = new TorchSharpBackend(TorchDevice.Cpu).Train(architecture, run, Images.Value);
        TrainingResult engine = TrainingBackend.Engine.Train(architecture, run, Images.Value);

        double first = torch.History[0].TrainingLoss, last = torch.History[^1].TrainingLoss, engineLast = engine.History[^1].TrainingLoss;
        Console.WriteLine($"{name}: TorchSharp {first:G4} -> {last:G4}, engine -> {engineLast:G4}, ratio {last / engineLast:F4}");
        Assert.AreEqual(TrainingStopReason.Completed, torch.StopReason, torch.Message);
        Assert.IsLessThan(0.9 * first, last, $"{name}: the loss did not fall");
        Assert.AreEqual(engineLast, last, 0.05 * engineLast, $"{name}: TorchSharp's final loss is not within 5% of the engine's");
    }

    private static TrainingOptions With(TrainingOptions o, int epochs, int batchSize, int seed) => new()
    {
        Epochs = epochs, BatchSize = batchSize, Seed = seed, LearningRate = o.LearningRate, Optimizer = o.Optimizer, WeightDecay = o.WeightDecay,
        GradientClipNorm = o.GradientClipNorm, Loss = o.Loss, Schedule = o.Schedule, Noise = o.Noise, NoiseLevel = o.NoiseLevel,
        CodeL1Penalty = o.CodeL1Penalty, SparsityPenalty = o.SparsityPenalty, SparsityTarget = o.SparsityTarget, ContractivePenalty = o.ContractivePenalty,
        DropoutRate = o.DropoutRate, LifetimeSparsity = o.LifetimeSparsity, KlWeight = o.KlWeight, LayerwisePretrainingEpochs = o.LayerwisePretrainingEpochs,
    };
}
