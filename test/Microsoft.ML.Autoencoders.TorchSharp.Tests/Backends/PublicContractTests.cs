using Microsoft.ML.Autoencoders.Backends;

namespace Microsoft.ML.Autoencoders.Tests.Backends;

/// <summary>
/// A backend written against the public contract alone (this project sees none of the Core's internals) trains through
/// <see cref="TrainingBackend.Train(AutoencoderArchitecture, TrainingOptions, FeatureMatrix, FeatureMatrix?, IProgress{EpochReport}?, CancellationToken)"/>.
/// </summary>
[TestClass]
public sealed class PublicContractTests
{
    private static readonly AutoencoderArchitecture Network = new(12, [8], 3, null, Activation.Tanh, Activation.Identity, Activation.Identity);

    [TestMethod]
    public void ContractVersion_IsTwo() => Assert.AreEqual(2, TrainingBackend.ContractVersion);

    [TestMethod]
    public void BackendWithoutClassifierSessions_RefusesToFineTuneANamingItself()
    {
        FeatureMatrix rows = LowRank(60, seed: 6);
        AutoencoderModel autoencoder = TrainingBackend.Engine.Train(Network, new TrainingOptions { Epochs = 1 }, rows).Model;
        int[] labels = Enumerable.Range(0, rows.RowCount).Select(i => i % 2).ToArray();

        var error = Assert.ThrowsExactly<NotSupportedException>(() => FineTunedClassifier.Train(autoencoder, rows, labels, ClassifierHead.Logistic, 2, backend: new PlainSgdBackend()));

        StringAssert.Contains(error.Message, new PlainSgdBackend().ToString());
        StringAssert.Contains(error.Message, "CreateClassifierSession");
    }

    [TestMethod]
    public void PlainSgdBackend_TrainsThroughTheSharedLoopAndLearns()
    {
        FeatureMatrix training = LowRank(600, seed: 1), validation = LowRank(200, seed: 2);
        var options = new TrainingOptions { Epochs = 15, BatchSize = 16, Optimizer = Optimizer.Sgd, Momentum = 0f, LearningRate = 0.05f, Seed = 4 };
        var reports = new List<EpochReport>();

        TrainingResult result = new PlainSgdBackend().Train(Network, options, training, validation, new SynchronousProgress(reports.Add));

        Assert.AreEqual(TrainingStopReason.Completed, result.StopReason, result.Message);
        Assert.HasCount(15, reports);
        double first = result.History[0].TrainingLoss, last = result.History[^1].TrainingLoss;
        Console.WriteLine($"plain SGD backend: training loss {first:G4} -> {last:G4}");
        Assert.IsLessThan(0.5 * first, last, "the loss fell by more than half");
    }

    [TestMethod]
    public void PlainSgdBackend_ItsParametersMeanToTheEngineWhatTheyMeanToIt()
    {
        FeatureMatrix training = LowRank(300, seed: 3), validation = LowRank(100, seed: 5);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 32, Optimizer = Optimizer.Sgd, Momentum = 0f, LearningRate = 0.05f };

        TrainingResult result = new PlainSgdBackend().Train(Network, options, training, validation);

        // The backend validated its last epoch's parameters with its own forward pass; the engine's model holds those parameters.
        double backend = result.History[^1].ValidationLoss!.Value, engine = result.Model.Score(validation).Average();
        Assert.AreEqual(backend, engine, 1e-5 * backend);
    }

    [TestMethod]
    public void PlainSgdBackend_StartsFromTheEnginesInitialParameters()
    {
        FeatureMatrix rows = LowRank(64, seed: 6);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 64, Optimizer = Optimizer.Sgd, Momentum = 0f, LearningRate = 1e-30f, Seed = 9 };

        float[] backend = new PlainSgdBackend().Train(Network, options, rows).Model.Score(rows);
        float[] engine = TrainingBackend.Engine.Train(Network, options, rows).Model.Score(rows);

        // A step at 1e-30 moves no weight by a visible amount, so each model holds the initial weights its backend started from.
        for (int r = 0; r < rows.RowCount; r++)
        {
            Assert.AreEqual(engine[r], backend[r], 1e-5 * engine[r], $"row {r}");
        }
    }

    [TestMethod]
    public void UnsupportedRequest_IsRefusedByTheBackendBeforeAnyStep()
    {
        var options = new TrainingOptions { Optimizer = Optimizer.Adam };

        var e = Assert.ThrowsExactly<NotSupportedException>(() => new PlainSgdBackend().Train(Network, options, LowRank(10, seed: 7)));

        StringAssert.Contains(e.Message, "momentum-free SGD");
    }

    /// <summary>Rows of 12 features that lie near a 3-dimensional subspace: what a 3-value code can learn to reconstruct.</summary>
    private static FeatureMatrix LowRank(int rows, int seed)
    {
        var mixing = new Random(0);
        float[] basis = Enumerable.Range(0, 3 * 12).Select(_ => 2f * mixing.NextSingle() - 1f).ToArray();
        var random = new Random(seed);
        var values = new float[rows * 12];
        for (int r = 0; r < rows; r++)
        {
            float[] code = [2f * random.NextSingle() - 1f, 2f * random.NextSingle() - 1f, 2f * random.NextSingle() - 1f];
            for (int f = 0; f < 12; f++)
            {
                values[r * 12 + f] = 0.5f * (code[0] * basis[f] + code[1] * basis[12 + f] + code[2] * basis[24 + f]) + 0.01f * (2f * random.NextSingle() - 1f);
            }
        }

        return new FeatureMatrix(values, 12);
    }

    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
