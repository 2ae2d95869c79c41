using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Tests.Training;

[TestClass]
public sealed class AutoencoderTrainerTests
{
    private static readonly AutoencoderArchitecture Small = new(10, [16], 4);

    [TestMethod]
    public void Train_EarlyStoppingOnOverfitting_RestoresBestEpochWeights()
    {
        FeatureMatrix train = Gaussian(24, 10, seed: 1);
        FeatureMatrix validation = Gaussian(200, 10, seed: 2);
        var wide = new AutoencoderArchitecture(10, [128], 8);
        var options = new TrainingOptions { Epochs = 400, BatchSize = 8, LearningRate = 0.01f, EarlyStoppingPatience = 5, Seed = 4 };

        TrainingResult result = new AutoencoderTrainer(wide, options).Train(train, validation);

        Assert.AreEqual(TrainingStopReason.EarlyStopped, result.StopReason, result.Message);
        Assert.AreEqual(result.BestEpoch + 5, result.History.Count);
        double best = result.History[result.BestEpoch - 1].ValidationLoss!.Value;
        Assert.IsTrue(result.History.Skip(result.BestEpoch).All(r => r.ValidationLoss > best));
        double restored = result.Model.Score(validation).Average();
        Assert.AreEqual(best, restored, 1e-6 * best, "The returned model is not the best epoch's");
    }

    [TestMethod]
    public void EngineBackend_TrainsExactlyAsTheTrainer()
    {
        FeatureMatrix train = Gaussian(64, 10, seed: 3);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Noise = NoiseKind.Masking, Seed = 8 };

        AutoencoderModel direct = new AutoencoderTrainer(Small, options).Train(train).Model;
        AutoencoderModel throughBackend = TrainingBackend.Engine.Train(Small, options, train).Model;

        CollectionAssert.AreEqual(direct.Reconstruct(train).Values.ToArray(), throughBackend.Reconstruct(train).Values.ToArray());
    }

    [TestMethod]
    public void Train_CancelledDuringFirstEpoch_StopsBeforeTheNextBatch()
    {
        FeatureMatrix train = Gaussian(32, 10, seed: 5);
        using var cancellation = new CancellationTokenSource();
        var reports = new List<EpochReport>();
        var progress = new SynchronousProgress(report =>
        {
            reports.Add(report);
            cancellation.Cancel();
        });
        var options = new TrainingOptions { Epochs = 50, BatchSize = 32 }; // one batch per epoch

        Assert.ThrowsExactly<OperationCanceledException>(() => new AutoencoderTrainer(Small, options).Train(train, null, progress, cancellation.Token));

        Assert.AreEqual(1, reports.Count);
    }

    [TestMethod]
    public void Train_ValidationFraction_ReportsValidationLossEachEpoch()
    {
        FeatureMatrix train = Gaussian(100, 10, seed: 6);
        var reports = new List<EpochReport>();
        var options = new TrainingOptions { Epochs = 3, ValidationFraction = 0.2f, Schedule = LearningRateSchedule.Cosine };

        TrainingResult result = new AutoencoderTrainer(Small, options).Train(train, null, new SynchronousProgress(reports.Add));

        CollectionAssert.AreEqual(result.History.ToArray(), reports.ToArray());
        Assert.IsTrue(reports.All(r => r.ValidationLoss is > 0 && r.SamplesPerSecond > 0));
        Assert.AreEqual(1e-3f, reports[0].LearningRate);
        Assert.IsLessThan(reports[1].LearningRate, reports[2].LearningRate);
    }

    [TestMethod]
    public void Train_RowWithNaN_ThrowsNamingRowAndFeature()
    {
        float[] values = Gaussian(20, 10, seed: 7).Values.ToArray();
        values[13 * 10 + 6] = float.NaN;

        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Small).Train(new FeatureMatrix(values, 10)));

        StringAssert.Contains(error.Message, "Row 13, feature 6");
        StringAssert.Contains(error.Message, "NaN");
    }

    [TestMethod]
    public void Train_HugeLearningRate_StopsAsDivergedWithFiniteWeights()
    {
        FeatureMatrix train = Gaussian(256, 10, seed: 8);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 16, LearningRate = 1e6f, Optimizer = Optimizer.Sgd, Momentum = 0.9f };

        TrainingResult result = new AutoencoderTrainer(Small, options).Train(train);

        Assert.AreEqual(TrainingStopReason.Diverged, result.StopReason);
        StringAssert.Contains(result.Message, "LearningRate");
        Assert.IsTrue(result.Model.Parameters.ToArray().All(float.IsFinite));
    }

    [TestMethod]
    public void Constructor_OptionsOutOfRange_ThrowNamingTheOption()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderTrainer(Small, new TrainingOptions { BatchSize = 0 }));
        Assert.AreEqual(nameof(TrainingOptions.BatchSize), error.ParamName);
        error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderTrainer(Small, new TrainingOptions { Epochs = -1 }));
        Assert.AreEqual(nameof(TrainingOptions.Epochs), error.ParamName);
    }

    [TestMethod]
    public void Constructor_CrossEntropyWithoutSigmoidOutput_Throws()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Small, new TrainingOptions { Loss = LossFunction.BinaryCrossEntropy }));
        StringAssert.Contains(error.Message, "Sigmoid");
    }

    [TestMethod]
    public void Train_EveryOptimizer_LowersTheLoss()
    {
        FeatureMatrix train = Gaussian(256, 10, seed: 9);
        foreach (Optimizer optimizer in Enum.GetValues<Optimizer>())
        {
            var options = new TrainingOptions { Epochs = 15, BatchSize = 32, Optimizer = optimizer, LearningRate = optimizer == Optimizer.Sgd ? 0.05f : 3e-3f, WeightDecay = 1e-4f, GradientClipNorm = 5f, Schedule = LearningRateSchedule.Step, StepDecayEpochs = 10 };
            TrainingResult result = new AutoencoderTrainer(Small, options).Train(train);
            Assert.IsLessThan(0.8 * result.History[0].TrainingLoss, result.History[^1].TrainingLoss, $"{optimizer}: {result.History[0].TrainingLoss} -> {result.History[^1].TrainingLoss}");
        }
    }

    internal static FeatureMatrix Gaussian(int rows, int columns, int seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextGaussian();
        }

        return new FeatureMatrix(values, columns);
    }

    /// <summary>Unlike <see cref="Progress{T}"/>, reports on the training thread, at once.</summary>
    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
