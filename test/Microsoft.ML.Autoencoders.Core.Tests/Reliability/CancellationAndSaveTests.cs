using System.Diagnostics;
using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Reliability;

/// <summary>Issue 7, cancellation and atomic saving.</summary>
[TestClass]
public sealed class CancellationAndSaveTests
{
    private static readonly AutoencoderArchitecture Small = new(10, [6], 3, null, Activation.Relu, Activation.Identity, Activation.Identity);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Train_AlreadyCancelled_RunsNoBatch()
    {
        int reports = 0;
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            new AutoencoderTrainer(Small).Train(AutoencoderTrainerTests.Gaussian(32, 10, seed: 1), null, new Counter(() => reports++), new CancellationToken(canceled: true)));
        Assert.AreEqual(0, reports);
    }

    [TestMethod]
    public void Train_CancelledFromAnotherThreadMidEpoch_StopsWithinABatch()
    {
        // One long epoch of 20,000 batches of 4 rows; cancel 30 ms in, from another thread.
        FeatureMatrix train = AutoencoderTrainerTests.Gaussian(80_000, 10, seed: 2);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 4 };
        using var cancellation = new CancellationTokenSource();
        long cancelledAt = 0;
        var canceller = new Thread(() =>
        {
            Thread.Sleep(30);
            cancelledAt = Stopwatch.GetTimestamp();
            cancellation.Cancel();
        });
        int reports = 0;
        canceller.Start();
        Assert.ThrowsExactly<OperationCanceledException>(() => new AutoencoderTrainer(Small, options).Train(train, null, new Counter(() => reports++), cancellation.Token));
        long stoppedAt = Stopwatch.GetTimestamp();
        canceller.Join();

        double latencyMs = Stopwatch.GetElapsedTime(cancelledAt, stoppedAt).TotalMilliseconds;
        TestContext.WriteLine($"Cancellation observed {latencyMs:F3} ms after Cancel() (batches of 4 rows)");
        Assert.AreEqual(0, reports, "the epoch finished: the cancellation came too late to test anything");
        Assert.IsLessThan(100.0, latencyMs);
    }

    [TestMethod]
    public void Save_OverwrittenWhileReadersLoad_EveryLoadSeesAWholeFile()
    {
        AutoencoderModel a = Train(seed: 1), b = Train(seed: 2);
        string directory = Directory.CreateTempSubdirectory("ae-atomic-").FullName;
        string path = Path.Combine(directory, "model.aemodel");
        try
        {
            a.Save(path);
            float first = a.Parameters[0], second = b.Parameters[0];
            Assert.AreNotEqual(first, second);
            using var done = new CancellationTokenSource();
            int loads = 0;
            Exception? failure = null;
            var reader = new Thread(() =>
            {
                try
                {
                    while (!done.IsCancellationRequested)
                    {
                        float value = AutoencoderModel.Load(path).Parameters[0];
                        Assert.IsTrue(value == first || value == second, "a load saw a mixture of two saves");
                        loads++;
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            reader.Start();
            for (int i = 0; i < 60 && failure == null; i++)
            {
                (i % 2 == 0 ? b : a).Save(path);
            }

            done.Cancel();
            reader.Join();

            Assert.IsNull(failure, failure?.ToString());
            TestContext.WriteLine($"60 overwrites, {loads} concurrent loads, none saw a partial file");
            Assert.IsGreaterThan(0, loads);
            CollectionAssert.AreEqual(new[] { "model.aemodel" }, Directory.GetFiles(directory).Select(Path.GetFileName).ToArray(), "a temporary file was left behind");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Save_WhenTheRenameFails_LeavesTheOldFileAndNoTemporary()
    {
        AutoencoderModel model = Train(seed: 3);
        string directory = Directory.CreateTempSubdirectory("ae-atomic-").FullName;
        try
        {
            // The target is a directory, so the final rename fails after the temporary file was written in full.
            string target = Path.Combine(directory, "taken");
            Directory.CreateDirectory(target);
            Assert.Throws<IOException>(() => model.Save(target));
            CollectionAssert.AreEqual(Array.Empty<string>(), Directory.GetFiles(directory), "a temporary file was left behind");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static AutoencoderModel Train(int seed) =>
        new AutoencoderTrainer(Small, new TrainingOptions { Epochs = 1, Seed = seed }).Train(AutoencoderTrainerTests.Gaussian(16, 10, seed: seed)).Model;

    private sealed class Counter(Action report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report();
    }
}
