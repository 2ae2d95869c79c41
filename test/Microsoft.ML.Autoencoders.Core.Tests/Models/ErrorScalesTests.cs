using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Models;

[TestClass]
public sealed class ErrorScalesTests
{
    private static readonly FeatureMatrix Training = AutoencoderTrainerTests.Gaussian(300, 12, seed: 41);
    private static readonly AutoencoderModel Plain =
        new AutoencoderTrainer(new AutoencoderArchitecture(12, [8], 3), new TrainingOptions { Epochs = 3, Seed = 2 }).Train(Training).Model;

    [TestMethod]
    public void WithErrorScales_ScoresTheMeanOfErrorsDividedByTheirTrainingMeans()
    {
        FeatureMatrix probe = AutoencoderTrainerTests.Gaussian(7, 12, seed: 42);

        AutoencoderModel scaled = Plain.WithErrorScales(Training);

        float[] trainingErrors = new float[Training.RowCount * 12];
        Plain.Score(Training.Values, new float[Training.RowCount], trainingErrors);
        double[] means = Enumerable.Range(0, 12).Select(j => Enumerable.Range(0, Training.RowCount).Average(r => (double)trainingErrors[r * 12 + j])).ToArray();
        double floor = AutoencoderModel.ErrorScaleFloor * means.Average();
        for (int j = 0; j < 12; j++)
        {
            Assert.AreEqual(Math.Max(means[j], floor), scaled.ErrorScales![j], 1e-5 * means[j], $"scale {j}");
        }

        float[] rawErrors = new float[probe.RowCount * 12], scaledErrors = new float[probe.RowCount * 12], scores = new float[probe.RowCount];
        Plain.Score(probe.Values, new float[probe.RowCount], rawErrors);
        scaled.Score(probe.Values, scores, scaledErrors);
        for (int r = 0; r < probe.RowCount; r++)
        {
            double expected = 0;
            for (int j = 0; j < 12; j++)
            {
                double ratio = rawErrors[r * 12 + j] / (double)scaled.ErrorScales![j];
                Assert.AreEqual(ratio, scaledErrors[r * 12 + j], 1e-5 * Math.Max(1, ratio), $"row {r}, feature {j}");
                expected += ratio / 12;
            }

            Assert.AreEqual(expected, scores[r], 1e-5 * expected, $"row {r}");
        }

        Assert.AreEqual(1.0, scaled.Score(Training).Average(), 0.02, "normal rows score about 1: each feature's error is about its usual size");
        Assert.IsNull(Plain.ErrorScales, "the original model is unchanged");
        CollectionAssert.AreEqual(Plain.Encode(probe).Values.ToArray(), scaled.Encode(probe).Values.ToArray());
    }

    [TestMethod]
    public void WithErrorScales_StreamedRowsGiveTheSameScales()
    {
        AutoencoderModel fromMatrix = Plain.WithErrorScales(Training);
        AutoencoderModel fromStream = Plain.WithErrorScales(new Blocks(Training), blockRows: 64);

        for (int j = 0; j < 12; j++)
        {
            Assert.AreEqual(fromMatrix.ErrorScales![j], fromStream.ErrorScales![j], 1e-6 * fromMatrix.ErrorScales[j]);
        }
    }

    [TestMethod]
    public void SaveLoad_ScaledModel_WritesVersionThreeAndScoresIdentically()
    {
        AutoencoderModel scaled = Plain.WithErrorScales(Training);
        using var file = new MemoryStream();
        scaled.Save(file);
        using var plainFile = new MemoryStream();
        Plain.Save(plainFile);

        AutoencoderModel loaded = AutoencoderModel.Load(new MemoryStream(file.ToArray()));

        Assert.AreEqual(3, BitConverter.ToInt32(file.ToArray(), 4));
        Assert.AreEqual(1, BitConverter.ToInt32(plainFile.ToArray(), 4), "a model without scales keeps its older version");
        CollectionAssert.AreEqual(scaled.ErrorScales!.ToArray(), loaded.ErrorScales!.ToArray());
        CollectionAssert.AreEqual(scaled.Score(Training), loaded.Score(Training));
    }

    [TestMethod]
    public void WithErrorScales_BadRowsAndVariationalModels_AreRefused()
    {
        float[] values = Training.Values.ToArray();
        values[5 * 12 + 2] = float.NaN;
        var variational = new AutoencoderTrainer(new AutoencoderArchitecture(12, [8], 2) { IsVariational = true }, new TrainingOptions { Epochs = 1 }).Train(Training).Model;

        float[] huge = Training.Values.ToArray();
        huge[7 * 12 + 4] = 1e30f;

        var bad = Assert.ThrowsExactly<ArgumentException>(() => Plain.WithErrorScales(new FeatureMatrix(values, 12)));
        var tooLarge = Assert.ThrowsExactly<ArgumentException>(() => Plain.WithErrorScales(new FeatureMatrix(huge, 12)));
        Assert.ThrowsExactly<ArgumentException>(() => Plain.WithErrorScales(new FeatureMatrix(new float[10], 5)));
        var vae = Assert.ThrowsExactly<InvalidOperationException>(() => variational.WithErrorScales(Training));

        StringAssert.Contains(bad.Message, "Row 5, feature 2");
        StringAssert.Contains(tooLarge.Message, "Row 7, feature 4");
        StringAssert.Contains(vae.Message, "ELBO");
    }

    private sealed class Blocks(FeatureMatrix rows) : IRowBlockSource
    {
        public int ColumnCount => rows.ColumnCount;

        public IEnumerable<FeatureMatrix> ReadBlocks(int maxRows, CancellationToken cancellationToken)
        {
            for (int start = 0; start < rows.RowCount; start += maxRows)
            {
                int count = Math.Min(maxRows, rows.RowCount - start);
                yield return new FeatureMatrix(rows.Values.Slice(start * ColumnCount, count * ColumnCount).ToArray(), ColumnCount);
            }
        }
    }
}
