using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Tests.Training;

/// <summary>Stacked autoencoders: greedy layer-wise pretraining, then end-to-end fine-tuning (issue 17, item 1).</summary>
[TestClass]
public sealed class LayerwisePretrainingTests
{
    private const int Width = 20;
    private static readonly AutoencoderArchitecture Deep = new(Width, [16, 8], 3);

    [TestMethod]
    public void Train_SameSeedTwice_GivesBitIdenticalWeights()
    {
        FeatureMatrix train = Structured(300, seed: 1);
        var options = new TrainingOptions { Epochs = 3, LayerwisePretrainingEpochs = 4, BatchSize = 32, Seed = 5, ValidationFraction = 0.2f };

        AutoencoderModel first = new AutoencoderTrainer(Deep, options).Train(train).Model;
        AutoencoderModel second = TrainingBackend.Engine.Train(Deep, options, train).Model;
        AutoencoderModel otherSeed = new AutoencoderTrainer(Deep, new TrainingOptions { Epochs = 3, LayerwisePretrainingEpochs = 4, BatchSize = 32, Seed = 6, ValidationFraction = 0.2f }).Train(train).Model;
        AutoencoderModel notPretrained = new AutoencoderTrainer(Deep, new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 5, ValidationFraction = 0.2f }).Train(train).Model;

        CollectionAssert.AreEqual(first.Parameters.ToArray(), second.Parameters.ToArray());
        CollectionAssert.AreNotEqual(first.Parameters.ToArray(), otherSeed.Parameters.ToArray());
        CollectionAssert.AreNotEqual(first.Parameters.ToArray(), notPretrained.Parameters.ToArray());
    }

    [TestMethod]
    public void Run_PretrainedStackAlone_ReconstructsFarBetterThanTheUntrainedNetwork()
    {
        FeatureMatrix train = Structured(1000, seed: 2);
        FeatureMatrix test = Structured(300, seed: 3);
        var options = new TrainingOptions { Epochs = 1, LayerwisePretrainingEpochs = 60, BatchSize = 32, LearningRate = 3e-3f, Seed = 1 };
        float[] parameters = new AutoencoderTrainer(Deep, options).InitialParameters(new SeededRandom(1));
        double untrained = new AutoencoderModel(Deep, (float[])parameters.Clone()).Score(test).Average();

        LayerwisePretraining.Run(Deep, options, train, Enumerable.Range(0, train.RowCount).ToArray(), parameters, EngineTrainingBackend.StartSession, default);
        double pretrained = new AutoencoderModel(Deep, parameters).Score(test).Average();

        // The encoder layers and their mirrored decoder layers must have landed in place: before any fine-tuning the stack reconstructs.
        Assert.IsLessThan(0.25 * untrained, pretrained, $"pretrained stack MSE {pretrained:F4} against {untrained:F4} untrained");
    }

    [TestMethod]
    public void Train_StructuredData_FineTunedStackLearnsTheManifold()
    {
        FeatureMatrix train = Structured(1000, seed: 2);
        FeatureMatrix test = Structured(300, seed: 3);
        var options = new TrainingOptions { Epochs = 60, LayerwisePretrainingEpochs = 20, BatchSize = 32, LearningRate = 3e-3f, Seed = 1 };
        double untrained = new AutoencoderModel(Deep, new AutoencoderTrainer(Deep, options).InitialParameters(new SeededRandom(1))).Score(test).Average();

        TrainingResult result = new AutoencoderTrainer(Deep, options).Train(train);
        double error = result.Model.Score(test).Average();

        // The data varies by about 1.1 per feature (squared) around its mean, on a 3-dimensional manifold with noise of variance 1e-4.
        Assert.IsLessThan(0.02, error, $"test MSE {error:F4}");
        Assert.IsLessThan(0.05 * untrained, error, $"test MSE {error:F4} against {untrained:F4} untrained");
        Assert.HasCount(60, result.History, "the history covers the fine-tuning epochs");
    }

    /// <remarks>
    /// What holds (seeds 1, 2 and 3 alike): the pretrained stack starts fine-tuning far below a random start, and after as many fine-tuning
    /// epochs as end-to-end training has had it is still ahead. What does not: for the same total epochs (here twelve, two pretraining each
    /// of the three encoder layers and six fine-tuning, against twelve end to end), end-to-end training ends lower (validation MSE 0.0169 to
    /// 0.0175 against 0.0196 to 0.0202 stacked), so that is not asserted; the README's benchmark reports it.
    /// </remarks>
    [TestMethod]
    public void Train_DeepFashionMnistNetwork_PretrainingGivesFineTuningAHeadStart()
    {
        var deep = new AutoencoderArchitecture(784, [256, 128], 32, null, Activation.Relu, Activation.Identity, Activation.Sigmoid);
        FeatureMatrix train = FashionMnist.Read("train", 5000).Images;
        FeatureMatrix validation = FashionMnist.Read("t10k", 1000).Images;

        TrainingResult endToEnd = new AutoencoderTrainer(deep, new TrainingOptions { Epochs = 6, Seed = 1 }).Train(train, validation);
        TrainingResult stacked = new AutoencoderTrainer(deep, new TrainingOptions { Epochs = 6, LayerwisePretrainingEpochs = 2, Seed = 1 }).Train(train, validation);

        double[] endToEndLoss = endToEnd.History.Select(r => r.ValidationLoss!.Value).ToArray();
        double[] stackedLoss = stacked.History.Select(r => r.ValidationLoss!.Value).ToArray();
        Assert.IsLessThan(0.8 * endToEndLoss[0], stackedLoss[0], $"after one epoch: stacked validation MSE {stackedLoss[0]:F5}, end to end {endToEndLoss[0]:F5}");
        Assert.IsLessThan(endToEndLoss[^1], stackedLoss[^1], $"after six epochs: stacked validation MSE {stackedLoss[^1]:F5}, end to end {endToEndLoss[^1]:F5}");
    }

    [TestMethod]
    public void Validate_ArchitecturePretrainingCannotBuild_RefusedNamingTheOption()
    {
        AutoencoderArchitecture[] refused =
        [
            new(Width, [], 3),
            new(Width, [16, 8], 3, [8]),
            new(Width, [16], 3) { IsVariational = true },
            new(Width, [16], 3) { WinnerTakeAllK = 2 },
            AutoencoderArchitecture.Convolutional(new ConvolutionalLayout(1, 6, 6, [new ConvolutionStage(4)], 0, [new DecoderStage(1)])),
        ];
        var options = new TrainingOptions { LayerwisePretrainingEpochs = 2 };

        foreach (AutoencoderArchitecture architecture in refused)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => options.Validate(architecture), architecture.ToString());
            Assert.AreEqual(nameof(TrainingOptions.LayerwisePretrainingEpochs), e.ParamName);
        }

        var negative = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { LayerwisePretrainingEpochs = -1 }.Validate());
        Assert.AreEqual(nameof(TrainingOptions.LayerwisePretrainingEpochs), negative.ParamName);
    }

    [TestMethod]
    public void Train_StreamedOrMissingValueRows_RefusedNamingTheOption()
    {
        var options = new TrainingOptions { LayerwisePretrainingEpochs = 2 };

        var streamed = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Deep, options).Train(new Blocks(Structured(50, seed: 4))));
        var missing = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Deep, options, missingValues: true));

        StringAssert.Contains(streamed.Message, nameof(TrainingOptions.LayerwisePretrainingEpochs));
        Assert.AreEqual(nameof(TrainingOptions.LayerwisePretrainingEpochs), missing.ParamName);
    }

    /// <summary>Rows on a smooth 3-dimensional manifold in <see cref="Width"/> dimensions, with a little noise.</summary>
    private static FeatureMatrix Structured(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * Width];
        for (int r = 0; r < rows; r++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1, c = random.NextDouble() * 2 - 1;
            for (int j = 0; j < Width; j++)
            {
                values[r * Width + j] = (float)(Math.Sin(0.3 * j + a) + b * Math.Cos(0.5 * j) + 0.5 * c * a * Math.Sin(0.2 * j) + 0.01 * (random.NextDouble() - 0.5));
            }
        }

        return new FeatureMatrix(values, Width);
    }

    private sealed class Blocks(FeatureMatrix rows) : IRowBlockSource
    {
        public int ColumnCount => rows.ColumnCount;

        public IEnumerable<FeatureMatrix> ReadBlocks(int maxRows, CancellationToken cancellationToken) => [rows];
    }
}
