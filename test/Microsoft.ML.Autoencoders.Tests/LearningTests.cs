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
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.Train.Take(4000));
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.Test.Take(1000));
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
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.Train.Where(r => r.Class == normalClass));
        var test = mlContext.Data.LoadFromEnumerable(FashionMnist.Test.Take(1000)
            .Select(r => new LabeledImage { Label = r.Class == normalClass ? 0f : 1f, Features = r.Features }));

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(codeSize: 16, hiddenSizes: [64], epochs: 10, seed: 3).Fit(train);
        AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(model.Transform(test), "Label", "Score", "PredictedLabel");

        TestContext.WriteLine($"Trained on {FashionMnist.Train.Count(r => r.Class == normalClass)} trousers; AUROC on 1,000 test images {metrics.AreaUnderRocCurve:F4}, detection rate at 10 false positives {metrics.DetectionRateAtFalsePositiveCount:F3}");
        Assert.IsGreaterThan(0.9, metrics.AreaUnderRocCurve);
    }

    /// <summary>A test image labeled for anomaly detection: 1 for an anomaly.</summary>
    public sealed class LabeledImage
    {
        /// <summary>1 for an anomaly, 0 for normal.</summary>
        public float Label;

        /// <summary>The pixels.</summary>
        [VectorType(784)]
        public float[] Features = [];
    }
}
