using System.Buffers.Binary;
using Microsoft.ML.Autoencoders.Models;
using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Models;

[TestClass]
public sealed class CodeNeighboursTests
{
    private static readonly FeatureMatrix Training = AutoencoderTrainerTests.Gaussian(300, 12, seed: 41);
    private static readonly AutoencoderModel Plain =
        new AutoencoderTrainer(new AutoencoderArchitecture(12, [8], 3), new TrainingOptions { Epochs = 3, Seed = 2 }).Train(Training).Model;

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void WithCodeNeighbours_ScoresTheSumOfSurprisesOfErrorsAndNeighbourDistance(bool scaled)
    {
        FeatureMatrix probe = AutoencoderTrainerTests.Gaussian(9, 12, seed: 42);
        AutoencoderModel basis = scaled ? Plain.WithErrorScales(Training) : Plain;

        AutoencoderModel model = basis.WithCodeNeighbours(Training, neighbourCount: 5);

        float[] codes = Plain.Encode(Training).Values.ToArray();
        float[] probeCodes = Plain.Encode(probe).Values.ToArray();
        float[] normalErrors = Plain.Score(Training).Order().ToArray();
        float[] normalScaled = basis.Score(Training).Order().ToArray();
        float[] normalDistances = Enumerable.Range(0, Training.RowCount).Select(r => MeanNearest(codes.AsSpan(r * 3, 3).ToArray(), codes, 5, r)).Order().ToArray();
        float[] errors = Plain.Score(probe), scaledErrors = basis.Score(probe), scores = model.Score(probe);
        for (int r = 0; r < probe.RowCount; r++)
        {
            double expected = Surprise(normalErrors, errors[r]) + Surprise(normalDistances, MeanNearest(probeCodes.AsSpan(r * 3, 3).ToArray(), codes, 5, -1));
            if (scaled)
            {
                expected += Surprise(normalScaled, scaledErrors[r]);
            }

            Assert.AreEqual(expected, scores[r], 1e-4 * expected, $"row {r}");
        }

        float[] trainErrors = Plain.Score(Training), trainScaled = basis.Score(Training);
        float[] expectedKept = Enumerable.Range(0, Training.RowCount).Select(r => (float)(Surprise(normalErrors, trainErrors[r])
            + Surprise(normalDistances, MeanNearest(codes.AsSpan(r * 3, 3).ToArray(), codes, 5, r)) + (scaled ? Surprise(normalScaled, trainScaled[r]) : 0))).Order().ToArray();
        float[] kept = [.. model.KeptNormalRowScores!];
        for (int i = 0; i < kept.Length; i++)
        {
            Assert.AreEqual(expectedKept[i], kept[i], 1e-4 * expectedKept[i], $"kept row score {i}: each training row scored with itself left out");
        }

        Assert.AreEqual(5, model.CodeNeighbourCount);
        Assert.AreEqual(0, basis.CodeNeighbourCount, "the original model is unchanged");
        CollectionAssert.AreEqual(basis.Encode(probe).Values.ToArray(), model.Encode(probe).Values.ToArray());
        float[] basisErrors = new float[probe.RowCount * 12], modelErrors = new float[probe.RowCount * 12];
        basis.Score(probe.Values, new float[probe.RowCount], basisErrors);
        model.Score(probe.Values, new float[probe.RowCount], modelErrors);
        CollectionAssert.AreEqual(basisErrors, modelErrors, "the per-feature errors do not change");
    }

    [TestMethod]
    public void WithCodeNeighbours_MoreRowsThanItKeeps_KeepsASeededSampleOfThem()
    {
        FeatureMatrix many = AutoencoderTrainerTests.Gaussian(CodeNeighbours.MaxReferenceRows + 2_000, 12, seed: 44);
        FeatureMatrix probe = AutoencoderTrainerTests.Gaussian(50, 12, seed: 45);

        AutoencoderModel first = Plain.WithCodeNeighbours(many), second = Plain.WithCodeNeighbours(many);

        CodeNeighbours kept = first.CodeNeighbourReference!;
        Assert.AreEqual(CodeNeighbours.MaxReferenceRows, kept.RowCount);
        Assert.HasCount(CodeNeighbours.MaxReferenceRows, kept.Errors);
        float[] lastCodes = Plain.Encode(new FeatureMatrix(many.Values[^(2_000 * 12)..].ToArray(), 12)).Values.ToArray();
        int fromTheLastRows = Enumerable.Range(0, kept.RowCount).Count(r => ContainsCode(lastCodes, kept.Codes.Slice(r * 3, 3)));
        Assert.IsTrue(fromTheLastRows is > 1_200 and < 2_100, $"{fromTheLastRows} of the kept codes come from the last 2,000 of 12,000 rows; a uniform sample keeps about 1,667");
        CollectionAssert.AreEqual(first.Score(probe), second.Score(probe), "the sample is seeded");
    }

    [TestMethod]
    public void Score_DuplicateOfANormalRow_IsBelowAFarRow_AndAThresholdFromNormalRowsSeparatesThem()
    {
        AutoencoderModel model = Plain.WithErrorScales(Training).WithCodeNeighbours(Training);
        FeatureMatrix fresh = AutoencoderTrainerTests.Gaussian(400, 12, seed: 43);
        float[] far = Training.Row(0).ToArray().Select(v => v + 6f).ToArray();
        float[] rows = [.. Training.Row(0), .. far, .. Enumerable.Repeat(float.NaN, 12)];

        float[] scores = model.Score(new FeatureMatrix(rows, 12));
        float[] freshScores = model.Score(fresh);
        // Calibrate on half the new normal rows (their 99th percentile), check on the other half.
        float threshold = freshScores.Take(200).Order().ElementAt(197);
        double falseAlarms = freshScores.Skip(200).Count(s => s > threshold) / 200.0;

        Assert.IsLessThan(scores[1], scores[0], "a training row's exact duplicate scores below a far row");
        Assert.IsGreaterThan(threshold, scores[1], "the far row is flagged");
        Assert.IsLessThan(0.05, falseAlarms, "few new normal rows are flagged");
        Assert.AreEqual(3.0, freshScores.Average(), 0.6, "each of the three surprises averages about 1 on normal rows");
        Assert.AreEqual(AutoencoderModel.UnusableRowScore, scores[2]);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void SaveLoad_CodeNeighbours_WritesVersionFourAndScoresIdentically(bool scaled)
    {
        AutoencoderModel model = (scaled ? Plain.WithErrorScales(Training) : Plain).WithCodeNeighbours(Training, neighbourCount: 7);
        FeatureMatrix probe = AutoencoderTrainerTests.Gaussian(50, 12, seed: 44);
        using var file = new MemoryStream();
        model.Save(file);

        AutoencoderModel loaded = AutoencoderModel.Load(new MemoryStream(file.ToArray()));

        Assert.AreEqual(4, BinaryPrimitives.ReadInt32LittleEndian(file.ToArray().AsSpan(4)));
        Assert.AreEqual(7, loaded.CodeNeighbourCount);
        Assert.AreEqual(scaled, loaded.ErrorScales != null);
        CollectionAssert.AreEqual(model.Score(probe), loaded.Score(probe));
    }

    [TestMethod]
    public void WithCodeNeighbours_StreamedRowsGiveTheSameScores()
    {
        FeatureMatrix probe = AutoencoderTrainerTests.Gaussian(20, 12, seed: 45);

        AutoencoderModel fromMatrix = Plain.WithCodeNeighbours(Training);
        AutoencoderModel fromStream = Plain.WithCodeNeighbours(new Blocks(Training), blockRows: 64);

        CollectionAssert.AreEqual(fromMatrix.Score(probe), fromStream.Score(probe));
    }

    [TestMethod]
    public void WithCodeNeighbours_BadArgumentsAndModels_AreRefused()
    {
        float[] values = Training.Values.ToArray();
        values[5 * 12 + 2] = float.NaN;
        var variational = new AutoencoderTrainer(new AutoencoderArchitecture(12, [8], 2) { IsVariational = true }, new TrainingOptions { Epochs = 1 }).Train(Training).Model;
        AutoencoderModel model = Plain.WithCodeNeighbours(Training);

        var none = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Plain.WithCodeNeighbours(Training, 0));
        var many = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Plain.WithCodeNeighbours(Training, 257));
        var few = Assert.ThrowsExactly<ArgumentException>(() => Plain.WithCodeNeighbours(new FeatureMatrix(Training.Values[..(20 * 12)].ToArray(), 12), 20));
        var bad = Assert.ThrowsExactly<ArgumentException>(() => Plain.WithCodeNeighbours(new FeatureMatrix(values, 12)));
        var vae = Assert.ThrowsExactly<InvalidOperationException>(() => variational.WithCodeNeighbours(Training));
        var scalesAfter = Assert.ThrowsExactly<InvalidOperationException>(() => model.WithErrorScales(Training));
        var onnx = Assert.ThrowsExactly<NotSupportedException>(() => model.ExportOnnx(new MemoryStream()));

        Assert.AreEqual("neighbourCount", none.ParamName);
        Assert.AreEqual(257, many.ActualValue);
        StringAssert.Contains(few.Message, "There are 20 normal rows");
        StringAssert.Contains(bad.Message, "Row 5, feature 2");
        StringAssert.Contains(vae.Message, "ELBO");
        StringAssert.Contains(scalesAfter.Message, "call WithErrorScales first");
        StringAssert.Contains(onnx.Message, "20 nearest normal codes");
    }

    private static float MeanNearest(float[] code, float[] codes, int k, int skip) =>
        (float)Enumerable.Range(0, codes.Length / code.Length).Where(r => r != skip)
            .Select(r => Math.Sqrt(Enumerable.Range(0, code.Length).Sum(j => Math.Pow(code[j] - codes[r * code.Length + j], 2))))
            .Order().Take(k).Average();

    private static double Surprise(float[] sorted, float value) =>
        -Math.Log(1 - sorted.Count(v => v < value) / (double)sorted.Length + 0.5 / sorted.Length);

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

    private static bool ContainsCode(float[] codes, ReadOnlySpan<float> code)
    {
        for (int r = 0; r < codes.Length / code.Length; r++)
        {
            if (codes.AsSpan(r * code.Length, code.Length).SequenceEqual(code))
            {
                return true;
            }
        }

        return false;
    }
}
