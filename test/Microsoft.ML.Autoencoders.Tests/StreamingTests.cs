using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>Fit with <see cref="AutoencoderEstimator.Options.StreamTrainingData"/>: memory bounded whatever the row count.</summary>
[TestClass]
public sealed class StreamingTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Fit_StreamingGeneratedView_PeakManagedMemoryIndependentOfRowCount()
    {
        (long smallPeak, AutoencoderTransformer small) = FitMeasuringPeak(200_000);
        (long largePeak, AutoencoderTransformer large) = FitMeasuringPeak(2_000_000);

        TestContext.WriteLine($"peak managed memory above the heap at the start: {smallPeak / 1e6:F1} MB at 200,000 rows, {largePeak / 1e6:F1} MB at 2,000,000 rows x 100 features ({2_000_000 * 100 * 4 / 1e6:F0} MB of data)");
        Assert.IsLessThan(smallPeak + 16_000_000, largePeak, "memory grew with the row count");
        Assert.IsTrue(float.IsFinite(large.Threshold) && large.Threshold > 0f);
        Assert.IsLessThan(small.TrainingHistory[0].TrainingLoss, large.TrainingHistory[0].TrainingLoss, "ten times the rows should train further in one epoch");
    }

    [TestMethod]
    public void Fit_StreamingAndCached_GiveTheSameThresholdFromContamination()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 3000));
        var options = new AutoencoderEstimator.Options { CodeSize = 16, Epochs = 1, Seed = 3, Contamination = 0.05f, StreamingBlockRows = 3000 };

        AutoencoderTransformer cached = mlContext.Autoencoders.Autoencoder(options).Fit(data);
        options.StreamTrainingData = true;
        AutoencoderTransformer streamed = mlContext.Autoencoders.Autoencoder(options).Fit(data);

        // One epoch over one block holding every row, shuffled with the same seed: the same training, and a sample that is every score.
        Assert.AreEqual(cached.Threshold, streamed.Threshold);
        CollectionAssert.AreEqual(cached.TrainingHistory.Select(h => h.TrainingLoss).ToArray(), streamed.TrainingHistory.Select(h => h.TrainingLoss).ToArray());
    }

    [TestMethod]
    public void Fit_StreamingWithValidationFraction_ThrowsNamingTheOption()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 100));
        var options = new AutoencoderEstimator.Options { StreamTrainingData = true, ValidationFraction = 0.1f, Epochs = 1 };

        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Autoencoder(options).Fit(data));

        StringAssert.Contains(error.Message, "ValidationFraction");
    }

    private static (long Peak, AutoencoderTransformer Model) FitMeasuringPeak(int rows)
    {
        var mlContext = new MLContext(seed: 1);
        var rowsView = new GeneratedRows(rows);
        IDataView data = mlContext.Data.LoadFromEnumerable(rowsView);
        var options = new AutoencoderEstimator.Options
        {
            EncoderHiddenSizes = [32], CodeSize = 8, Epochs = 1, BatchSize = 256, LearningRate = 3e-3f, Seed = 2,
            StreamTrainingData = true, StreamingBlockRows = 16_384,
        };

        // Other tests' cached data sets share the heap: measure above the heap's size at the start.
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);
        return (rowsView.PeakMemory - baseline, model);
    }

    /// <summary>
    /// Rows computed from their index as the view is read (nothing is stored), recording the managed heap's size after a full
    /// collection every 65,536 rows.
    /// </summary>
    private sealed class GeneratedRows(int count) : IEnumerable<GeneratedRows.Row>
    {
        public long PeakMemory { get; private set; }

        public IEnumerator<Row> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                if (i % 65_536 == 0)
                {
                    PeakMemory = Math.Max(PeakMemory, GC.GetTotalMemory(forceFullCollection: true));
                }

                float a = MathF.Sin(i * 0.37f), b = MathF.Cos(i * 0.11f);
                var features = new float[100];
                for (int j = 0; j < features.Length; j++)
                {
                    features[j] = a * MathF.Sin(j * 0.3f) + b * MathF.Cos(j * 0.17f);
                }

                yield return new Row { Features = features };
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>One generated row.</summary>
        public sealed class Row
        {
            /// <summary>100 features.</summary>
            [VectorType(100)]
            public float[] Features { get; set; } = [];
        }
    }
}
