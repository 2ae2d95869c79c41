using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Modules;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The TorchSharp backend under the engine's training loop: validation, early stopping, progress, cancellation, streaming, divergence.</summary>
[TestClass]
public sealed class TrainingLoopTests
{
    private static readonly AutoencoderArchitecture Small = new(784, [32], 8, null, Activation.Relu, Activation.Identity, Activation.Sigmoid);

    private static readonly TorchSharpBackend Backend = new(TorchDevice.Cpu);

    [TestMethod]
    public void EarlyStopping_RestoresTheBestEpochsWeightsIntoTheEngineModel()
    {
        FeatureMatrix train = FashionMnist.Read("train", 40).Images;
        FeatureMatrix validation = FashionMnist.Read("t10k", 300).Images;
        var wide = new AutoencoderArchitecture(784, [256], 64, null, Activation.Relu, Activation.Identity, Activation.Sigmoid);
        var options = new TrainingOptions { Epochs = 300, BatchSize = 8, LearningRate = 0.003f, EarlyStoppingPatience = 5, Seed = 2 };

        TrainingResult result = Backend.Train(wide, options, train, validation);

        Assert.AreEqual(TrainingStopReason.EarlyStopped, result.StopReason, result.Message);
        double best = result.History[result.BestEpoch - 1].ValidationLoss!.Value;
        Assert.IsTrue(result.History.Skip(result.BestEpoch).All(r => r.ValidationLoss > best));
        Assert.AreEqual(best, result.Model.Score(validation).Average(), 1e-5 * best, "The engine scores the restored weights as TorchSharp validated them");
    }

    [TestMethod]
    public void Progress_ReportsEachEpochWithValidationFromAHeldOutFraction()
    {
        var reports = new List<EpochReport>();
        var options = new TrainingOptions { Epochs = 3, ValidationFraction = 0.2f, Schedule = LearningRateSchedule.Step, StepDecayEpochs = 1, StepDecayFactor = 0.5f };

        TrainingResult result = Backend.Train(Small, options, FashionMnist.Read("train", 500).Images, null, new SynchronousProgress(reports.Add));

        CollectionAssert.AreEqual(result.History.ToArray(), reports.ToArray());
        Assert.IsTrue(reports.All(r => r.ValidationLoss > 0 && r.SamplesPerSecond > 0));
        CollectionAssert.AreEqual(new[] { 1e-3f, 5e-4f, 2.5e-4f }, reports.Select(r => r.LearningRate).ToArray());
    }

    [TestMethod]
    public void Cancellation_StopsBeforeTheNextBatch()
    {
        using var cancellation = new CancellationTokenSource();
        var reports = new List<EpochReport>();
        var progress = new SynchronousProgress(report =>
        {
            reports.Add(report);
            cancellation.Cancel();
        });

        Assert.ThrowsExactly<OperationCanceledException>(() =>
            Backend.Train(Small, new TrainingOptions { Epochs = 50 }, FashionMnist.Read("train", 200).Images, null, progress, cancellation.Token));

        Assert.AreEqual(1, reports.Count);
    }

    [TestMethod]
    public void Streaming_ReadsEveryBlockEachEpochAndLearns()
    {
        FeatureMatrix images = FashionMnist.Read("train", 1000).Images;
        var source = new Blocks(images);
        var options = new TrainingOptions { Epochs = 4, StreamingBlockRows = 300, Noise = NoiseKind.SaltAndPepper };

        TrainingResult result = Backend.Train(Small, options, source);
        TrainingResult engine = TrainingBackend.Engine.Train(Small, options, new Blocks(images));

        Assert.AreEqual(1 + 4, source.Passes, "one look at the first block, then one pass per epoch");
        Assert.IsLessThan(0.6 * result.History[0].TrainingLoss, result.History[^1].TrainingLoss);
        double score = result.Model.Score(images).Average(), engineScore = engine.Model.Score(images).Average();
        Console.WriteLine($"streamed: TorchSharp scores the training rows {score:G4}, the engine {engineScore:G4}");
        Assert.AreEqual(engineScore, score, 0.05 * engineScore, "streamed training learns as the engine's does");
    }

    [TestMethod]
    public void Divergence_StopsWithFiniteWeights()
    {
        var options = new TrainingOptions { Epochs = 5, Optimizer = Optimizer.Sgd, LearningRate = 1e6f, Loss = LossFunction.MeanSquaredError };
        var identityOutput = new AutoencoderArchitecture(784, [32], 8);

        TrainingResult result = Backend.Train(identityOutput, options, FashionMnist.Read("train", 200).Images);

        Assert.AreEqual(TrainingStopReason.Diverged, result.StopReason, result.Message);
        Assert.IsTrue(result.Model.Score(FashionMnist.Read("t10k", 20).Images).All(float.IsFinite));
    }

    [TestMethod]
    public void Training_LeavesNoTensorAlive()
    {
        FeatureMatrix images = FashionMnist.Read("train", 300).Images;
        var options = new TrainingOptions { Epochs = 3, Noise = NoiseKind.SaltAndPepper, ValidationFraction = 0.2f, EarlyStoppingPatience = 1 };
        var variational = new AutoencoderArchitecture(784, [32], 4, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true };
        Backend.Train(Small, options, images); // loads libtorch and whatever TorchSharp keeps for good
        // TorchSharp 0.107 makes each parameter from a tensor whose handle it moves out (Tensor.MoveHandle) without lowering Tensor.TotalCount:
        // every parameter tensor a run creates leaves one emptied wrapper in the count, holding no native memory. Anything more is a leak.
        int emptiedWrappers = ParameterTensors(new DenseAutoencoder(new ParameterLayout(Small), options)) + ParameterTensors(new VariationalAutoencoder(new ParameterLayout(variational), options));
        long before = TorchSharp.torch.Tensor.TotalCount;

        Backend.Train(Small, options, images);
        Backend.Train(variational, options, images);

        Assert.AreEqual(before + emptiedWrappers, TorchSharp.torch.Tensor.TotalCount, "every tensor of a run, batches and optimizer state included, is disposed when it ends");
    }

    [TestMethod]
    public void Training_TenEpochsWithNoGarbageCollection_ResidentMemoryStaysFlat()
    {
        FeatureMatrix images = FashionMnist.Read("train", 2000).Images;
        var network = new AutoencoderArchitecture(784, [256], 64, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);
        Backend.Train(network, new TrainingOptions { Epochs = 1, BatchSize = 64 }, images); // libtorch, its thread pool and its allocator warm up
        var resident = new List<long>();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // No collection, so no finalizer, may run while training: whatever a step holds natively must be released by the step itself.
        Assert.IsTrue(GC.TryStartNoGCRegion(200_000_000), "the runtime grants a region without collections");
        try
        {
            Backend.Train(network, new TrainingOptions { Epochs = 10, BatchSize = 64 }, images, null, new SynchronousProgress(_ => resident.Add(Environment.WorkingSet)));
        }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }

        double growth = (resident[^1] - resident[0]) / 1e6;
        Assert.IsTrue(growth < 32, $"resident memory grew {growth:F0} MB from the first epoch's end to the tenth's: {string.Join(", ", resident.Select(r => $"{r / 1e6:F0}"))} MB");
    }

    [TestMethod]
    public void BadData_IsRefusedBeforeTrainingNamingTheRow()
    {
        float[] values = FashionMnist.Read("train", 10).Images.Values.ToArray();
        values[3 * 784 + 5] = float.NaN;

        var e = Assert.ThrowsExactly<ArgumentException>(() => Backend.Train(Small, new TrainingOptions(), new FeatureMatrix(values, 784)));

        StringAssert.Contains(e.Message, "Row 3, feature 5");
    }

    /// <summary>How many parameter tensors <paramref name="module"/> holds; disposes of it.</summary>
    private static int ParameterTensors(AutoencoderModule module)
    {
        using (module)
        {
            return module.parameters().Count();
        }
    }

    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }

    /// <summary>A matrix read back in blocks through one reused buffer, as a cursor-backed source does.</summary>
    private sealed class Blocks(FeatureMatrix rows) : IRowBlockSource
    {
        public int Passes { get; private set; }

        public int ColumnCount => rows.ColumnCount;

        public IEnumerable<FeatureMatrix> ReadBlocks(int maxRows, CancellationToken cancellationToken)
        {
            Passes++;
            for (int start = 0; start < rows.RowCount; start += maxRows)
            {
                int count = Math.Min(maxRows, rows.RowCount - start);
                yield return new FeatureMatrix(rows.Values.Slice(start * ColumnCount, count * ColumnCount).ToArray(), ColumnCount);
            }
        }
    }
}
