using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// Rows holding NaN, an infinity or a magnitude above 1e18 at transform time: scored <see cref="AutoencoderModel.UnusableRowScore"/>, flagged, counted by
/// <c>mlContext.AnomalyDetection.Evaluate</c>, and their bad features named by FeatureErrors, in a cursor and in a PredictionEngine.
/// </summary>
[TestClass]
public sealed class UnusableRowTests
{
    private static readonly float[] BadValues = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f];

    [TestMethod]
    public void Transform_RowWithNaNInfinityOrHugeValue_ScoresUnusableRowScoreIsFlaggedAndFeatureErrorsMarkTheFeature()
    {
        var mlContext = new MLContext();
        AutoencoderTransformer model = SharedModel.Transformer;
        ImageRow[] rows = FashionMnist.ReadRows("t10k", BadValues.Length + 1);
        for (int i = 0; i < BadValues.Length; i++)
        {
            rows[i + 1].Features[100 + i] = BadValues[i];
        }

        IDataView output = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        float[] scores = Columns.Read<float>(output, "Score");
        bool[] labels = Columns.Read<bool>(output, "PredictedLabel");
        float[][] errors = Columns.ReadVectors(output, "FeatureErrors");

        Assert.IsTrue(float.IsFinite(scores[0]));
        Assert.AreEqual(scores[0] > model.Threshold, labels[0]);
        Assert.IsTrue(errors[0].All(float.IsFinite));
        for (int i = 0; i < BadValues.Length; i++)
        {
            string row = $"row holding {BadValues[i]}";
            Assert.AreEqual(AutoencoderModel.UnusableRowScore, scores[i + 1], row);
            Assert.IsTrue(labels[i + 1], row);
            AssertMarksOnly(errors[i + 1], 100 + i, row);
        }
    }

    [TestMethod]
    public void Evaluate_AnomalyHoldingNaN_IsCountedAndRankedAboveEveryNormalRow()
    {
        // Forty normal rows, an anomaly holding NaN, and an anomaly the model misses: an ordinary image labelled 1, the one it rebuilds best.
        // Counting the NaN row ranked first gives an AUROC of (1 + 0) / 2; dropping it, as ML.NET's evaluator does with a NaN or infinite
        // score, would give 0.
        var mlContext = new MLContext();
        AutoencoderTransformer model = SharedModel.Transformer;
        ImageRow[] rows = FashionMnist.ReadRows("t10k", 42);
        float[] cleanScores = model.Model.Score(new FeatureMatrix(rows.SelectMany(r => r.Features).ToArray(), 784));
        int missed = Enumerable.Range(1, rows.Length - 1).MinBy(i => cleanScores[i]);
        rows[0].Features[300] = float.NaN;
        rows[0].Label = 1;
        rows[missed].Label = 1;

        IDataView scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored, "Label", "Score", "PredictedLabel");

        Assert.AreEqual(0.5, metrics.AreaUnderRocCurve, 1e-9);
        Assert.AreEqual(0.5, metrics.DetectionRateAtFalsePositiveCount, 1e-9, "the NaN row is detected within ten false positives, the missed one is not");
        Assert.AreEqual(AutoencoderModel.UnusableRowScore, Columns.Read<float>(scored, "Score")[0]);
    }

    [TestMethod]
    public void CreatePredictionEngine_RowWithNaNInfinityOrHugeValue_IsFlaggedWithUnusableRowScoreAndItsFeatureMarked()
    {
        var mlContext = new MLContext();
        AutoencoderTransformer model = SharedModel.Transformer;
        var engine = mlContext.Model.CreatePredictionEngine<ImageRow, ErrorPrediction>(model);
        ImageRow clean = FashionMnist.ReadRows("t10k", 8)[7];

        ErrorPrediction normal = engine.Predict(clean);
        Assert.IsTrue(float.IsFinite(normal.Score));
        Assert.IsTrue(normal.FeatureErrors.All(float.IsFinite));
        foreach (float bad in BadValues)
        {
            ImageRow row = clean with { Features = (float[])clean.Features.Clone() };
            row.Features[123] = bad;

            ErrorPrediction prediction = engine.Predict(row);

            Assert.AreEqual(AutoencoderModel.UnusableRowScore, prediction.Score, $"{bad}");
            Assert.IsTrue(prediction.PredictedLabel, $"{bad}");
            AssertMarksOnly(prediction.FeatureErrors, 123, $"{bad}");
        }
    }

    private static void AssertMarksOnly(float[] errors, int feature, string message)
    {
        Assert.HasCount(784, errors, message);
        for (int j = 0; j < errors.Length; j++)
        {
            Assert.AreEqual(j == feature ? float.PositiveInfinity : float.NaN, errors[j], $"{message}, feature {j}");
        }
    }

    /// <summary>What the prediction engine returns.</summary>
    public sealed class ErrorPrediction
    {
        /// <summary>The score.</summary>
        public float Score;

        /// <summary>Anomaly or not.</summary>
        public bool PredictedLabel;

        /// <summary>Each feature's squared error.</summary>
        public float[] FeatureErrors = [];
    }
}
