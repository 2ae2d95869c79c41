using System.Diagnostics;
using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Reliability;

/// <summary>Issue 7, concurrency and determinism of the engine.</summary>
[TestClass]
public sealed class ConcurrencyAndDeterminismTests
{
    private const int Threads = 8;
    private const int Rows = 100_000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Run_EightThreadsAtOnce_GiveOutputsIdenticalToOneThread()
    {
        var architecture = new AutoencoderArchitecture(16, [12], 4, null, Activation.Tanh, Activation.Identity, Activation.Identity);
        AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 2, Seed = 5 }).Train(AutoencoderTrainerTests.Gaussian(256, 16, seed: 5)).Model;
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(Rows, 16, seed: 6);
        (float[] codes, float[] reconstructions, float[] scores) = RunAll(model, data);

        var results = new (float[] Codes, float[] Reconstructions, float[] Scores)[Threads];
        var clock = Stopwatch.StartNew();
        using var start = new Barrier(Threads);
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            results[t] = RunAll(model, data);
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        TestContext.WriteLine($"{Threads} threads x {Rows} rows scored at once in {clock.Elapsed.TotalSeconds:F2} s");
        for (int t = 0; t < Threads; t++)
        {
            Assert.IsTrue(codes.AsSpan().SequenceEqual(results[t].Codes), $"thread {t}: codes differ");
            Assert.IsTrue(reconstructions.AsSpan().SequenceEqual(results[t].Reconstructions), $"thread {t}: reconstructions differ");
            Assert.IsTrue(scores.AsSpan().SequenceEqual(results[t].Scores), $"thread {t}: scores differ");
        }
    }

    [TestMethod]
    public void Train_SameSeedAndData_GiveBitIdenticalWeights()
    {
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(512, 64, seed: 7);
        byte[] first = TrainAndSave(data, seed: 11);
        byte[] second = TrainAndSave(data, seed: 11);
        byte[] otherSeed = TrainAndSave(data, seed: 12);

        CollectionAssert.AreEqual(first, second);
        CollectionAssert.AreNotEqual(first, otherSeed);
    }

    [TestMethod]
    public void Train_WhileOtherThreadsHoldTheWorkerPool_GivesBitIdenticalWeights()
    {
        // While other threads keep the GEMM's worker pool busy, the trainer's multiplies run their tasks on the calling
        // thread alone: the weights must not depend on how many threads did the work.
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(512, 64, seed: 8);
        byte[] alone = TrainAndSave(data, seed: 13);
        AutoencoderModel busyModel = new AutoencoderTrainer(new AutoencoderArchitecture(64, [128], 32), new TrainingOptions { Epochs = 1 }).Train(data).Model;
        using var done = new CancellationTokenSource();
        Thread[] busy = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            var reconstructions = new float[data.Values.Length];
            while (!done.IsCancellationRequested)
            {
                busyModel.Reconstruct(data.Values, reconstructions);
            }
        })).ToArray();
        foreach (Thread thread in busy)
        {
            thread.Start();
        }

        byte[] contended;
        try
        {
            contended = TrainAndSave(data, seed: 13);
        }
        finally
        {
            done.Cancel();
            foreach (Thread thread in busy)
            {
                thread.Join();
            }
        }

        CollectionAssert.AreEqual(alone, contended);
    }

    private static byte[] TrainAndSave(FeatureMatrix data, int seed)
    {
        var architecture = new AutoencoderArchitecture(64, [48], 16, null, Activation.Relu, Activation.Identity, Activation.Identity);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 64, Seed = seed, ValidationFraction = 0.1f };
        using var stream = new MemoryStream();
        new AutoencoderTrainer(architecture, options).Train(data).Model.Save(stream);
        return stream.ToArray();
    }

    private static (float[] Codes, float[] Reconstructions, float[] Scores) RunAll(AutoencoderModel model, FeatureMatrix data)
    {
        var codes = new float[data.RowCount * model.CodeSize];
        var reconstructions = new float[data.Values.Length];
        var scores = new float[data.RowCount];
        model.Run(data.Values, codes, reconstructions, scores, default);
        return (codes, reconstructions, scores);
    }
}
