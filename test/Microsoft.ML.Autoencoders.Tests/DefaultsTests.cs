using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The call with no options, on a narrow table and on an image alike: the network's shape follows the input's width, the epochs its row count.</summary>
[TestClass]
public sealed class DefaultsTests
{
    [TestMethod]
    [DataRow(1, 1, 2)]
    [DataRow(5, 2, 10)]
    [DataRow(30, 15, 60)]
    [DataRow(100, 32, 128)]
    [DataRow(784, 32, 128)]
    [DataRow(5000, 32, 128)]
    public void ToArchitecture_NoShapeGiven_CodeAndHiddenLayerFollowTheWidth(int features, int code, int hidden)
    {
        AutoencoderArchitecture architecture = new AutoencoderEstimator.Options().ToArchitecture(features);

        Assert.AreEqual(code, architecture.CodeSize);
        CollectionAssert.AreEqual(new[] { hidden }, architecture.EncoderHiddenSizes.ToArray());
        CollectionAssert.AreEqual(new[] { hidden }, architecture.DecoderHiddenSizes.ToArray());
    }

    [TestMethod]
    public void ToArchitecture_ShapeGiven_KeepsIt()
    {
        AutoencoderArchitecture architecture = new AutoencoderEstimator.Options { CodeSize = 3, EncoderHiddenSizes = [] }.ToArchitecture(784);

        Assert.AreEqual(3, architecture.CodeSize);
        Assert.AreEqual(0, architecture.EncoderHiddenSizes.Count);
    }

    [TestMethod]
    [DataRow(300L, 128, 667)]
    [DataRow(2000L, 128, 125)]
    [DataRow(60000L, 256, 20)]
    [DataRow(10L, 128, 1000)]
    [DataRow(null, 128, 20)]
    public void ToTrainingOptions_NoEpochsGiven_AtLeastTwoThousandSteps(long? rows, int batchSize, int epochs) =>
        Assert.AreEqual(epochs, new AutoencoderEstimator.Options { BatchSize = batchSize }.ToTrainingOptions(1, rows).Epochs);

    [TestMethod]
    public void Autoencoder_NoOptionsOnAFiveColumnTable_LearnsItsTwoFactors()
    {
        var mlContext = new MLContext(seed: 1);
        var random = new Random(7);
        TableRow[] rows = Enumerable.Range(0, 2000).Select(_ =>
        {
            double a = Normal(random), b = Normal(random);
            return new TableRow { Features = [(float)(a + 0.1 * Normal(random)), (float)(b + 0.1 * Normal(random)), (float)(a + b + 0.1 * Normal(random)), (float)(a - b + 0.1 * Normal(random)), (float)(0.5 * a + 0.1 * Normal(random))] };
        }).ToArray();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder("Features").Fit(data);
        IDataView scored = model.Transform(data);

        Assert.AreEqual(2, ((VectorDataViewType)scored.Schema["Encoded"].Type).Size, "5 features: a code of 2");
        double meanError = Columns.Read<float>(scored, "Score").Average();
        double meanVariance = Enumerable.Range(0, 5).Average(j => Variance(rows.Select(r => (double)r.Features[j])));
        Assert.IsTrue(meanError < 0.1 * meanVariance, $"mean squared error {meanError:F4} against a mean feature variance of {meanVariance:F3}: two factors explain the table");
    }

    [TestMethod]
    public void Autoencoder_NoOptionsOnImages_ReconstructsFarBetterThanTheMeanImage()
    {
        var mlContext = new MLContext(seed: 1);
        ImageRow[] images = FashionMnist.ReadRows("train", 2000);
        IDataView data = mlContext.Data.LoadFromEnumerable(images);

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder("Features").Fit(data);
        IDataView scored = model.Transform(data);

        Assert.AreEqual(32, ((VectorDataViewType)scored.Schema["Encoded"].Type).Size, "784 pixels: a code of 32");
        double meanError = Columns.Read<float>(scored, "Score").Average();
        double[] meanImage = Enumerable.Range(0, 784).Select(j => images.Average(r => (double)r.Features[j])).ToArray();
        double baseline = images.Average(r => r.Features.Select((v, j) => (v - meanImage[j]) * (v - meanImage[j])).Average());
        Assert.IsTrue(meanError < 0.3 * baseline, $"mean squared error {meanError:F4} against {baseline:F4} for the mean image");
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Variance(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        double mean = v.Average();
        return v.Average(x => (x - mean) * (x - mean));
    }

    private sealed class TableRow
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];
    }
}
