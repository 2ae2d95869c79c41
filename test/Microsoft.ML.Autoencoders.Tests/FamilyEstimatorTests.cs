using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The denoising, variational, sparse and winner-take-all members as ML.NET estimators.</summary>
[TestClass]
public sealed class FamilyEstimatorTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void DenoisingAutoencoder_MaskedTestImages_ReconstructionCloserToCleanThanNoisyInput()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 4000));
        AutoencoderTransformer model = mlContext.Autoencoders
            .DenoisingAutoencoder(codeSize: 64, hiddenSizes: [256], noise: NoiseKind.Masking, noiseLevel: 0.3f, epochs: 6, outputActivation: Activation.Sigmoid, seed: 2)
            .Fit(train);

        ImageRow[] clean = FashionMnist.ReadRows("t10k", 500);
        var random = new Random(7);
        ImageRow[] noisy = clean.Select(r => r with { Features = r.Features.Select(v => random.NextDouble() < 0.3 ? 0f : v).ToArray() }).ToArray();
        float[][] reconstructions = mlContext.Data.CreateEnumerable<ReconstructionRow>(model.Transform(mlContext.Data.LoadFromEnumerable(noisy)), reuseRowObject: false)
            .Select(r => r.Reconstruction).ToArray();

        double noisyError = clean.Zip(noisy, (c, n) => MeanSquared(c.Features, n.Features)).Average();
        double denoisedError = clean.Zip(reconstructions, (c, r) => MeanSquared(c.Features, r)).Average();
        TestContext.WriteLine($"Masking 30% of pixels: noisy input MSE {noisyError:F4}, reconstruction MSE {denoisedError:F4}");
        Assert.IsLessThan(0.5 * noisyError, denoisedError);
    }

    [TestMethod]
    public void Vae_TrainedOnTrousers_ScoreIsNegativeElboAndSeparatesAnomalies()
    {
        const float normalClass = 1f;
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 6000).Where(r => r.Class == normalClass));
        var test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 1000)
            .Select(r => r with { Label = r.Class == normalClass ? 0f : 1f }));

        AutoencoderTransformer model = mlContext.Autoencoders.Vae(codeSize: 8, hiddenSizes: [128], epochs: 10, outputActivation: Activation.Sigmoid, seed: 3).Fit(train);
        IDataView scored = model.Transform(test);
        AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored, "Label", "Score", "PredictedLabel");

        Assert.IsTrue(model.Model.IsVariational);
        Assert.AreEqual(8, ((VectorDataViewType)scored.Schema["Encoded"].Type).Size);
        float[] scores = scored.GetColumn<float>("Score").ToArray();
        var engineScores = new float[1000];
        model.Model.Score(FashionMnist.ReadRows("t10k", 1000).SelectMany(r => r.Features).ToArray(), engineScores);
        CollectionAssert.AreEqual(engineScores, scores, "the transformer's Score is not the engine's negative ELBO");
        TestContext.WriteLine($"VAE trained on trousers: AUROC {metrics.AreaUnderRocCurve:F4}");
        Assert.IsGreaterThan(0.9, metrics.AreaUnderRocCurve);
    }

    [TestMethod]
    public void Autoencoder_WinnerTakeAllOption_EveryCodeKeepsOneToKNonZerosAndReconstructsBetterThanTheMeanImage()
    {
        var mlContext = new MLContext(seed: 1);
        ImageRow[] rows = FashionMnist.ReadRows("train", 1000);
        IDataView train = mlContext.Data.LoadFromEnumerable(rows);
        var options = new AutoencoderEstimator.Options { CodeSize = 32, WinnerTakeAllK = 5, CodeActivation = Activation.Relu, OutputActivation = Activation.Sigmoid, Epochs = 3, Seed = 4 };

        IDataView encoded = mlContext.Autoencoders.Autoencoder(options).Fit(train).Transform(train);

        // A ReLU code keeps the k largest values, and a winner that is 0 stays 0: between 1 and k non-zeros, never an empty code.
        int[] nonZeros = Columns.ReadVectors(encoded, "Encoded").Select(code => code.Count(v => v != 0f)).ToArray();
        Assert.IsTrue(nonZeros.All(n => n is >= 1 and <= 5), $"non-zeros per code from {nonZeros.Min()} to {nonZeros.Max()}");
        float[] mean = Enumerable.Range(0, FashionMnist.Pixels).Select(j => rows.Average(r => r.Features[j])).ToArray();
        double meanImageError = rows.Average(r => MeanSquared(r.Features, mean));
        double error = Columns.Read<float>(encoded, "Score").Average();
        TestContext.WriteLine($"winner-take-all k = 5 of 32: mean non-zeros {nonZeros.Average():F2}, training MSE {error:F4}, the mean image's {meanImageError:F4}");
        Assert.IsLessThan(meanImageError, error, "the sparse codes carry what the mean image does not");
    }

    [TestMethod]
    public void ConvolutionalAutoencoder_TrainedOnTrousers_CodesReconstructionsAndAurocAboveFloor()
    {
        const float normalClass = 1f;
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 6000).Where(r => r.Class == normalClass));
        var test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 500)
            .Select(r => r with { Label = r.Class == normalClass ? 0f : 1f }));

        AutoencoderTransformer model = mlContext.Autoencoders.ConvolutionalAutoencoder(imageChannels: 1, imageHeight: 28, imageWidth: 28, codeSize: 16, epochs: 4, seed: 5).Fit(train);
        IDataView scored = model.Transform(test);
        AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored, "Label", "Score", "PredictedLabel");

        Assert.IsNotNull(model.Model.Architecture.Convolution);
        Assert.AreEqual(16, ((VectorDataViewType)scored.Schema["Encoded"].Type).Size);
        Assert.AreEqual(784, ((VectorDataViewType)scored.Schema["Reconstruction"].Type).Size);
        TestContext.WriteLine($"Convolutional autoencoder trained on trousers: AUROC {metrics.AreaUnderRocCurve:F4}");
        Assert.IsGreaterThan(0.85, metrics.AreaUnderRocCurve);
    }

    [TestMethod]
    public void ConvolutionalAutoencoder_ImageShapeNotTheVectorSize_FitNamesShapeAndColumn()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 64));

        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.ConvolutionalAutoencoder(imageChannels: 3, imageHeight: 28, imageWidth: 28, epochs: 1).Fit(train));

        StringAssert.Contains(error.Message, "3 x 28 x 28");
        StringAssert.Contains(error.Message, "\"Features\" holds 784");
    }

    [TestMethod]
    public void Constructors_MemberWithoutItsDefiningOption_ThrowNamingIt()
    {
        var mlContext = new MLContext();

        var denoising = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.DenoisingAutoencoder(new DenoisingAutoencoderEstimator.Options { Noise = NoiseKind.None }));
        Assert.AreEqual(nameof(AutoencoderEstimator.Options.Noise), denoising.ParamName);
        var code = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Vae(new VaeEstimator.Options { CodeActivation = Activation.Relu }));
        Assert.AreEqual(nameof(AutoencoderArchitecture.IsVariational), code.ParamName);
        StringAssert.Contains(code.Message, "Identity code activation");
        var k = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { CodeSize = 4, WinnerTakeAllK = 9 }));
        Assert.AreEqual("WinnerTakeAllK", k.ParamName);
    }

    [TestMethod]
    [DataRow("EncoderHiddenSizes")]
    [DataRow("DecoderHiddenSizes")]
    [DataRow("WinnerTakeAllK")]
    [DataRow("DropoutRate")]
    [DataRow("LayerwisePretrainingEpochs")]
    public void ConvolutionalAutoencoder_OptionItDoesNotUse_RefusedAtConstructionNamingIt(string option)
    {
        var options = new ConvolutionalAutoencoderEstimator.Options { CodeSize = 16 };
        switch (option)
        {
            case "EncoderHiddenSizes": options.EncoderHiddenSizes = [64]; break;
            case "DecoderHiddenSizes": options.DecoderHiddenSizes = [64]; break;
            case "WinnerTakeAllK": options.WinnerTakeAllK = 4; break;
            case "LayerwisePretrainingEpochs": options.LayerwisePretrainingEpochs = 2; break;
            default: options.DropoutRate = 0.1f; break;
        }

        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Autoencoders.ConvolutionalAutoencoder(options));

        Assert.AreEqual(option, e.ParamName);
        StringAssert.Contains(e.Message, option);
    }

    [TestMethod]
    [DataRow("DropoutRate")]
    [DataRow("CodeL1Penalty")]
    [DataRow("WinnerTakeAllK")]
    [DataRow("ScaleFeatureErrors")]
    [DataRow("LayerwisePretrainingEpochs")]
    public void Vae_OptionItDoesNotUse_RefusedAtConstructionNamingIt(string option)
    {
        var options = new VaeEstimator.Options { CodeSize = 8 };
        switch (option)
        {
            case "DropoutRate": options.DropoutRate = 0.1f; break;
            case "CodeL1Penalty": options.CodeL1Penalty = 0.1f; break;
            case "WinnerTakeAllK": options.WinnerTakeAllK = 4; break;
            case "LayerwisePretrainingEpochs": options.EncoderHiddenSizes = [16]; options.LayerwisePretrainingEpochs = 2; break;
            default: options.ScaleFeatureErrors = true; break;
        }

        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Autoencoders.Vae(options));

        Assert.AreEqual(option, e.ParamName);
    }

    [TestMethod]
    public void FamilyEstimators_FitOverloads_MatchTheAutoencoderEstimators()
    {
        static string[] Overloads(Type type) => type.GetMethods().Where(m => m.Name == "Fit")
            .Select(m => string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))).Order().ToArray();

        string[] expected = Overloads(typeof(AutoencoderEstimator));
        foreach (Type member in new[] { typeof(DenoisingAutoencoderEstimator), typeof(VaeEstimator), typeof(ConvolutionalAutoencoderEstimator) })
        {
            CollectionAssert.AreEqual(expected, Overloads(member), member.Name);
        }
    }

    [TestMethod]
    public void Transform_ConcatenatedColumns_FeatureErrorsAndReconstructionCarryTheirSlotNames()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(i => new Order { Amount = i % 17, Hour = i % 24, Channel = i % 3 == 0 ? "store" : "web" }));
        var pipeline = mlContext.Transforms.Categorical.OneHotEncoding("Channel")
            .Append(mlContext.Transforms.Concatenate("Features", "Amount", "Hour", "Channel"))
            .Append(mlContext.Autoencoders.Autoencoder("Features", codeSize: 2, hiddenSizes: [4], epochs: 2));

        DataViewSchema schema = pipeline.Fit(data).Transform(data).Schema;

        foreach (string column in new[] { "FeatureErrors", "Reconstruction" })
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            schema[column].GetSlotNames(ref names);
            CollectionAssert.AreEqual(new[] { "Amount", "Hour", "Channel.store", "Channel.web" }, names.DenseValues().Select(n => n.ToString()).ToArray(), column);
        }
    }

    private static double MeanSquared(float[] a, float[] b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average();

    private sealed class Order
    {
        public float Amount { get; set; }

        public float Hour { get; set; }

        public string Channel { get; set; } = "";
    }

    private sealed class ReconstructionRow
    {
        [VectorType(784)]
        public float[] Reconstruction = [];
    }
}
