using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Samples.Tests;

[TestClass]
[DoNotParallelize] // the progress test redirects Console.Out
public sealed class CommonTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Run_EstimatorFit_PrintsOneLinePerEpochWhenRedirected()
    {
        var mlContext = new MLContext(seed: 1);
        var random = new Random(4);
        IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 200)
            .Select(_ => new Row { Features = Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray());
        var estimator = mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { CodeSize = 2, EncoderHiddenSizes = [4], Epochs = 3, ValidationFraction = 0.2f, Seed = 1 });

        TextWriter original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            TrainingProgress.Run(mlContext, "Training", () => estimator.Fit(data));
        }
        finally
        {
            Console.SetOut(original);
        }

        string[] lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        TestContext.WriteLine(captured.ToString());
        Assert.AreEqual("Training", lines[0]);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            string line = lines[epoch];
            StringAssert.StartsWith(line, $"epoch   {epoch}/3  loss ");
            StringAssert.Contains(line, "validation ");
            StringAssert.Contains(line, "samples/s");
        }

        Assert.HasCount(4, lines, "One title line and one line per epoch, nothing else, for up to TrainingProgress.PlainLines epochs.");
    }

    [TestMethod]
    public void Run_ManyEpochsRedirected_PrintsTheFirstTheLastAndEvenlySpacedOnes()
    {
        TextWriter original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            TrainingProgress.Run("Training", progress =>
            {
                for (int epoch = 1; epoch <= 1000; epoch++)
                {
                    progress.Report(new EpochReport(epoch, 1000, 0.5, null, 1e-3f, 1e6, TimeSpan.FromMilliseconds(epoch)));
                }

                return 0;
            });
        }
        finally
        {
            Console.SetOut(original);
        }

        string[] lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int[] epochs = lines.Skip(1).Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].Split('/')[0])).ToArray();
        CollectionAssert.AreEqual(new[] { 1 }.Concat(Enumerable.Range(1, 20).Select(k => 50 * k)).ToArray(), epochs, string.Join(", ", epochs));
    }

    private sealed class Row
    {
        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }
}
