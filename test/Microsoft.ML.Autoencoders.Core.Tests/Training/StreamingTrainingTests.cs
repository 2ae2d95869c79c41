namespace Microsoft.ML.Autoencoders.Tests.Training;

/// <summary>Training from an <see cref="IRowBlockSource"/>: rows read a block at a time, memory independent of the row count.</summary>
[TestClass]
public sealed class StreamingTrainingTests
{
    private static readonly AutoencoderArchitecture Network = new(100, [32], 8);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Train_TenTimesTheRowsStreamed_PeakManagedMemoryDoesNotGrow()
    {
        var options = new TrainingOptions { Epochs = 1, BatchSize = 256, StreamingBlockRows = 16_384, LearningRate = 3e-3f };

        (long smallPeak, TrainingResult small) = TrainMeasuringPeak(200_000, options);
        (long largePeak, TrainingResult large) = TrainMeasuringPeak(2_000_000, options);

        TestContext.WriteLine($"peak managed memory above the heap at the start: {smallPeak / 1e6:F1} MB at 200,000 rows, {largePeak / 1e6:F1} MB at 2,000,000 rows x 100 features ({2_000_000 * 100 * 4 / 1e6:F0} MB of data)");
        Assert.IsLessThan(smallPeak + 8_000_000, largePeak, "memory grew with the row count");
        Assert.IsLessThan(64_000_000, largePeak);
        Assert.IsLessThan(small.History[0].TrainingLoss, large.History[0].TrainingLoss, "more rows should train further in one epoch");
    }

    [TestMethod]
    public void Train_StreamedBlocks_LearnAsWellAsTheSameRowsInMemory()
    {
        var source = new GeneratedRows(20_000);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 128, StreamingBlockRows = 4_096, Seed = 2 };

        TrainingResult streamed = new AutoencoderTrainer(Network, options).Train(source);
        TrainingResult inMemory = new AutoencoderTrainer(Network, options).Train(source.ReadBlocks(int.MaxValue, default).Single());

        TestContext.WriteLine($"final loss: streamed {streamed.History[^1].TrainingLoss:F5}, in memory {inMemory.History[^1].TrainingLoss:F5}");
        Assert.IsLessThan(0.5 * streamed.History[0].TrainingLoss, streamed.History[^1].TrainingLoss);
        Assert.AreEqual(inMemory.History[^1].TrainingLoss, streamed.History[^1].TrainingLoss, 0.2 * inMemory.History[^1].TrainingLoss);
    }

    [TestMethod]
    public void Train_NaNInALaterBlock_ThrowsNamingItsRowInTheStream()
    {
        var source = new GeneratedRows(10_000, nanAt: 7_777);

        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            new AutoencoderTrainer(Network, new TrainingOptions { StreamingBlockRows = 1_000 }).Train(source));

        StringAssert.Contains(error.Message, "Row 7777");
    }

    [TestMethod]
    public void Train_StreamWithValidationFraction_ThrowsNamingTheOption()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            new AutoencoderTrainer(Network, new TrainingOptions { ValidationFraction = 0.1f }).Train(new GeneratedRows(100)));

        StringAssert.Contains(error.Message, nameof(TrainingOptions.ValidationFraction));
    }

    private (long Peak, TrainingResult Result) TrainMeasuringPeak(int rows, TrainingOptions options)
    {
        // Other tests' cached data sets share the heap: measure above the heap's size at the start.
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var source = new GeneratedRows(rows) { MeasureMemory = true };
        TrainingResult result = new AutoencoderTrainer(Network, options).Train(source);
        return (source.PeakMemory - baseline, result);
    }

    /// <summary>
    /// Rows computed from their index (smooth, 100 features, a few latent factors), one reused block buffer at a time;
    /// optionally records the managed heap's size after a full collection at every block.
    /// </summary>
    private sealed class GeneratedRows(int rows, int nanAt = -1) : IRowBlockSource
    {
        public bool MeasureMemory { get; init; }

        public long PeakMemory { get; private set; }

        public int ColumnCount => 100;

        public IEnumerable<FeatureMatrix> ReadBlocks(int maxRows, CancellationToken cancellationToken)
        {
            float[]? buffer = null;
            for (int start = 0; start < rows; start += maxRows)
            {
                int count = Math.Min(maxRows, rows - start);
                if (buffer == null || buffer.Length != count * ColumnCount)
                {
                    buffer = new float[count * ColumnCount];
                }

                for (int r = 0; r < count; r++)
                {
                    long row = start + r;
                    float a = MathF.Sin(row * 0.37f), b = MathF.Cos(row * 0.11f), c = MathF.Sin(row * 0.023f + 1f);
                    for (int j = 0; j < ColumnCount; j++)
                    {
                        buffer[r * ColumnCount + j] = row == nanAt && j == 3 ? float.NaN : a * MathF.Sin(j * 0.3f) + b * MathF.Cos(j * 0.17f) + c * ((j % 7) - 3) * 0.2f;
                    }
                }

                if (MeasureMemory)
                {
                    PeakMemory = Math.Max(PeakMemory, GC.GetTotalMemory(forceFullCollection: true));
                }

                yield return new FeatureMatrix(buffer, ColumnCount);
            }
        }
    }
}
