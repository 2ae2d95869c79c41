using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

[TestClass]
public sealed class LearningTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Fit_CodesFeedMaximumEntropyTrainer_AccuracyAboveFloor()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 4000));
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 1000));
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class))
            .Append(mlContext.Autoencoders.Autoencoder("Features", codeSize: 32, hiddenSizes: [128], epochs: 5, seed: 3))
            .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Encoded"));

        var model = pipeline.Fit(train);
        MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));

        TestContext.WriteLine($"Fashion-MNIST, 32-value codes -> L-BFGS maximum entropy: micro accuracy {metrics.MicroAccuracy:P1}, macro {metrics.MacroAccuracy:P1}");
        Assert.IsGreaterThan(0.72, metrics.MicroAccuracy);
    }

    [TestMethod]
    public void Evaluate_TrainedOnTrousersOnly_AurocAboveFloor()
    {
        const float normalClass = 1f;
        var mlContext = new MLContext(seed: 1);
        ImageRow[] trousers = FashionMnist.ReadRows("train", 6000).Where(r => r.Class == normalClass).ToArray();
        IDataView train = mlContext.Data.LoadFromEnumerable(trousers);
        var test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 1000)
            .Select(r => r with { Label = r.Class == normalClass ? 0f : 1f }));

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(codeSize: 16, hiddenSizes: [64], epochs: 10, seed: 3).Fit(train);
        AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(model.Transform(test), "Label", "Score", "PredictedLabel");

        TestContext.WriteLine($"Trained on {trousers.Length} trousers; AUROC on 1,000 test images {metrics.AreaUnderRocCurve:F4}, detection rate at 10 false positives {metrics.DetectionRateAtFalsePositiveCount:F3}");
        Assert.IsGreaterThan(0.9, metrics.AreaUnderRocCurve);
    }
}
