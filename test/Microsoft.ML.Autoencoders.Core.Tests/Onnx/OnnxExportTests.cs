using Microsoft.ML.Autoencoders.Tests.Family;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Autoencoders.Tests.Onnx;

/// <summary>
/// Every member of the family, trained briefly on Fashion-MNIST, exported to ONNX and run in ONNX Runtime 1.31.1: each output matches the engine's
/// within 1e-5 on real test images and on edge rows (zeros, huge values, NaN, infinities).
/// </summary>
[TestClass]
public sealed class OnnxExportTests
{
    private static readonly TrainingOptions Brief = new() { Epochs = 2, BatchSize = 64, Seed = 5 };

    private static FeatureMatrix Train => FashionMnist.Read("train", 1000).Images;

    private static FeatureMatrix Rows => OnnxRuntimeCheck.WithEdgeRows(FashionMnist.Read("t10k", 300).Images);

    [TestMethod]
    public void ExportOnnx_DenseAutoencoder_MatchesEngineInOnnxRuntime() =>
        Check("dense", Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), Brief);

    [TestMethod]
    public void ExportOnnx_DenoisingAutoencoder_MatchesEngineInOnnxRuntime() =>
        Check("denoising", Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), new TrainingOptions { Epochs = 2, BatchSize = 64, Seed = 5, Noise = NoiseKind.Masking, NoiseLevel = 0.3f });

    [TestMethod]
    public void ExportOnnx_SparseAutoencoder_MatchesEngineInOnnxRuntime() =>
        Check("sparse", Dense(Activation.Relu, Activation.Sigmoid, Activation.Sigmoid), new TrainingOptions { Epochs = 2, BatchSize = 64, Seed = 5, SparsityPenalty = 0.1f, CodeL1Penalty = 1e-4f });

    [TestMethod]
    public void ExportOnnx_WinnerTakeAllAutoencoder_MatchesEngineInOnnxRuntime() =>
        Check("winner-take-all", new AutoencoderArchitecture(784, [64], 16, null, Activation.Relu, Activation.Relu, Activation.Sigmoid) { WinnerTakeAllK = 4 }, Brief);

    [TestMethod]
    public void ExportOnnx_BernoulliVae_MatchesEngineInOnnxRuntime() =>
        Check("VAE, Bernoulli", new AutoencoderArchitecture(784, [64], 8, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true }, Brief);

    [TestMethod]
    public void ExportOnnx_GaussianVae_MatchesEngineInOnnxRuntime() =>
        Check("VAE, Gaussian", new AutoencoderArchitecture(784, [64], 8, null, Activation.Tanh, Activation.Identity, Activation.Identity) { IsVariational = true }, Brief);

    [TestMethod]
    public void ExportOnnx_ConvolutionalWithDenseCode_MatchesEngineInOnnxRuntime() =>
        Check("convolutional, dense code", AutoencoderArchitecture.Convolutional(ConvolutionalTests.Fashion(codeSize: 16)), new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 5 });

    [TestMethod]
    public void ExportOnnx_ConvolutionalTwoChannelsWithPoolingUpsamplingAndMapCode_MatchesEngineInOnnxRuntime()
    {
        // Two channels (an image and the next one), a strided convolution with max pooling into a 4 x 7 x 7 feature-map code, nearest upsampling,
        // a convolution and a transposed convolution back to 2 x 28 x 28.
        var layout = new ConvolutionalLayout(2, 28, 28, [new ConvolutionStage(4, 3, 2, 1, Pool: 2)], 0,
            [new DecoderStage(4, 3, 1, 1, Upsample: 2), new DecoderStage(2, 4, 2, 1, Transposed: true)]);
        AutoencoderArchitecture architecture = AutoencoderArchitecture.Convolutional(layout, Activation.LeakyRelu, Activation.Elu, Activation.Sigmoid);
        AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 5 }).Train(TwoChannels(Train)).Model;

        OnnxRuntimeCheck.ExportAndCompare("convolutional, two channels, map code", model, OnnxRuntimeCheck.WithEdgeRows(TwoChannels(FashionMnist.Read("t10k", 300).Images)), Median(model));
    }

    [TestMethod]
    public void ExportOnnx_ScaledFeatureErrors_MatchesEngineInOnnxRuntime()
    {
        AutoencoderModel model = new AutoencoderTrainer(Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), Brief).Train(Train).Model.WithErrorScales(Train);

        OnnxRuntimeCheck.ExportAndCompare("dense, ScaleFeatureErrors", model, Rows, Median(model));
    }

    [TestMethod]
    [DataRow(Activation.Gelu, Activation.Tanh, Activation.Identity)]
    [DataRow(Activation.Elu, Activation.LeakyRelu, Activation.Sigmoid)]
    [DataRow(Activation.LeakyRelu, Activation.Gelu, Activation.Tanh)]
    [DataRow(Activation.Tanh, Activation.Elu, Activation.Relu)]
    public void ExportOnnx_EveryActivation_MatchesEngineInOnnxRuntime(Activation hidden, Activation code, Activation output) =>
        Check($"dense, {hidden}/{code}/{output}", new AutoencoderArchitecture(784, [32, 16], 8, null, hidden, code, output), Brief);

    [TestMethod]
    public void ExportOnnx_AnyBatchSize_RunsWithOneRowAndMany()
    {
        AutoencoderModel model = new AutoencoderTrainer(Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), Brief).Train(Train).Model;
        var stream = new MemoryStream();
        model.ExportOnnx(stream);
        using var session = new InferenceSession(stream.ToArray());

        Assert.HasCount(1, OnnxRuntimeCheck.Run(session, FashionMnist.Read("t10k", 1).Images)["Score"]);
        Assert.HasCount(1500, OnnxRuntimeCheck.Run(session, FashionMnist.Read("t10k", 1500).Images)["Score"]);
        Assert.IsFalse(session.OutputMetadata.ContainsKey("PredictedLabel"), "without a threshold, the default export leaves the label out");
        CollectionAssert.AreEqual(new[] { "Encoded", "Reconstruction", "Score", "FeatureErrors" }, session.OutputNames.ToArray());
        Assert.AreEqual(-1, session.InputMetadata["Features"].Dimensions[0], "dynamic batch");
        Assert.AreEqual("batch", session.InputMetadata["Features"].SymbolicDimensions[0]);
        Assert.AreEqual(784, session.InputMetadata["Features"].Dimensions[1]);
    }

    [TestMethod]
    public void ExportOnnx_SingleRow_TakesOneRowAndGivesTheSameValues()
    {
        AutoencoderModel model = new AutoencoderTrainer(Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), Brief).Train(Train).Model;
        var stream = new MemoryStream();
        model.ExportOnnx(stream, new OnnxExportOptions { SingleRow = true, Threshold = 0.02f });
        using var session = new InferenceSession(stream.ToArray());
        FeatureMatrix row = FashionMnist.Read("t10k", 1).Images;

        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(row.Values.ToArray(), [784]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", input)]);

        CollectionAssert.AreEqual(new[] { 784 }, session.InputMetadata["Features"].Dimensions);
        CollectionAssert.AreEqual(new[] { 16 }, session.OutputMetadata["Encoded"].Dimensions);
        CollectionAssert.AreEqual(new[] { 1 }, session.OutputMetadata["Score"].Dimensions);
        float score = results.Single(r => r.Name == "Score").AsTensor<float>().Single();
        Assert.AreEqual(model.Score(row)[0], score, 1e-5f * score);
        Assert.AreEqual(score > 0.02f, results.Single(r => r.Name == "PredictedLabel").AsTensor<bool>().Single());
        CollectionAssert.AreEqual(new[] { 16 }, results.Single(r => r.Name == "Encoded").AsTensor<float>().Dimensions.ToArray());
    }

    [TestMethod]
    public void ExportOnnx_ApproximateSigmoid_StaysWithinOneMillionthAbsolute()
    {
        AutoencoderModel model = new AutoencoderTrainer(Dense(Activation.Relu, Activation.Sigmoid, Activation.Sigmoid), Brief).Train(Train).Model;
        var stream = new MemoryStream();
        model.ExportOnnx(stream, new OnnxExportOptions { ApproximateSigmoid = true, ScoreName = null, PredictedLabelName = null, FeatureErrorsName = null });
        using var session = new InferenceSession(stream.ToArray());
        FeatureMatrix rows = FashionMnist.Read("t10k", 300).Images;

        Dictionary<string, float[]> onnx = OnnxRuntimeCheck.Run(session, rows);

        float[] codes = model.Encode(rows).Values.ToArray(), reconstructions = model.Reconstruct(rows).Values.ToArray();
        double codeError = codes.Zip(onnx["Encoded"], (a, b) => Math.Abs(a - b)).Max(), reconstructionError = reconstructions.Zip(onnx["Reconstruction"], (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"ONNX's Sigmoid in ONNX Runtime: largest absolute error of the code {codeError:E2}, of the reconstruction {reconstructionError:E2}");
        Assert.IsLessThan(1e-6, codeError);
        Assert.IsLessThan(1e-6, reconstructionError);
    }

    [TestMethod]
    public void ExportOnnx_Metadata_NamesVersionThresholdAndArchitecture()
    {
        AutoencoderModel model = new AutoencoderTrainer(Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), Brief).Train(Train).Model;
        var stream = new MemoryStream();
        model.ExportOnnx(stream, new OnnxExportOptions { Threshold = 0.0125f, InputName = "Pixels", ScoreName = "AnomalyScore" });
        using var session = new InferenceSession(stream.ToArray());

        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.AreEqual("0.0125", metadata["threshold"]);
        Assert.AreEqual(model.Architecture.ToString(), metadata["architecture"]);
        Assert.IsFalse(string.IsNullOrEmpty(metadata["library_version"]));
        Assert.AreEqual("mean squared error", metadata["score"]);
        Assert.AreEqual("Microsoft.ML.Autoencoders", session.ModelMetadata.ProducerName);
        CollectionAssert.AreEqual(new[] { "Pixels" }, session.InputMetadata.Keys.ToArray());
        CollectionAssert.Contains(session.OutputMetadata.Keys.ToArray(), "AnomalyScore");
    }

    [TestMethod]
    public void ExportOnnx_LabelWithoutThreshold_ThrowsNamingTheFix()
    {
        AutoencoderModel model = SmallModel();

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.ExportOnnx(new MemoryStream(), new OnnxExportOptions()));

        StringAssert.Contains(error.Message, "needs a threshold");
        StringAssert.Contains(error.Message, "PredictedLabelName to null");
    }

    [TestMethod]
    public void ExportOnnx_RepeatedOrMissingNamesOrNaNThreshold_Throws()
    {
        AutoencoderModel model = SmallModel();

        var repeated = Assert.ThrowsExactly<ArgumentException>(() => model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { ScoreName = "Features", PredictedLabelName = null }));
        StringAssert.Contains(repeated.Message, "InputName already names");
        Assert.ThrowsExactly<ArgumentException>(() => model.ExportOnnx(new MemoryStream(),
            new OnnxExportOptions { EncodedName = null, ReconstructionName = null, ScoreName = "", PredictedLabelName = null, FeatureErrorsName = null }));
        Assert.ThrowsExactly<ArgumentException>(() => model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { InputName = "", PredictedLabelName = null }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { Threshold = float.NaN }));
    }

    [TestMethod]
    public void ExportOnnx_OnlyTheCode_WritesAnEncoderThatMatches()
    {
        AutoencoderModel model = new AutoencoderTrainer(Dense(Activation.Relu, Activation.Identity, Activation.Sigmoid), Brief).Train(Train).Model;
        var stream = new MemoryStream();
        model.ExportOnnx(stream, new OnnxExportOptions { ReconstructionName = null, ScoreName = null, PredictedLabelName = null, FeatureErrorsName = null });
        using var session = new InferenceSession(stream.ToArray());
        FeatureMatrix rows = FashionMnist.Read("t10k", 100).Images;

        float[] codes = OnnxRuntimeCheck.Run(session, rows)["Encoded"];

        CollectionAssert.AreEqual(new[] { "Encoded" }, session.OutputNames.ToArray());
        float[] expected = model.Encode(rows).Values.ToArray();
        for (int i = 0; i < codes.Length; i++)
        {
            Assert.AreEqual(expected[i], codes[i], 1e-5f * Math.Max(1f, Math.Abs(expected[i])));
        }
    }

    private static void Check(string member, AutoencoderArchitecture architecture, TrainingOptions options)
    {
        AutoencoderModel model = new AutoencoderTrainer(architecture, options).Train(Train).Model;
        OnnxRuntimeCheck.ExportAndCompare(member, model, Rows, Median(model));
    }

    private static AutoencoderArchitecture Dense(Activation hidden, Activation code, Activation output) => new(784, [64], 16, null, hidden, code, output);

    private static AutoencoderModel SmallModel() =>
        new AutoencoderTrainer(new AutoencoderArchitecture(4, [], 2), new TrainingOptions { Epochs = 1, BatchSize = 2 }).Train(new FeatureMatrix([0, 1, 2, 3, 1, 2, 3, 4], 4)).Model;

    /// <summary>The median score of test images: a threshold that labels about half of them anomalies.</summary>
    private static float Median(AutoencoderModel model)
    {
        FeatureMatrix test = FashionMnist.Read("t10k", 300).Images;
        if (model.InputSize != test.ColumnCount)
        {
            test = TwoChannels(test);
        }

        float[] scores = model.Score(test);
        Array.Sort(scores);
        return scores[scores.Length / 2];
    }

    /// <summary>Each image as channel 0 and the next image as channel 1.</summary>
    private static FeatureMatrix TwoChannels(FeatureMatrix images)
    {
        int n = images.ColumnCount;
        var values = new float[images.RowCount * 2 * n];
        for (int r = 0; r < images.RowCount; r++)
        {
            images.Row(r).CopyTo(values.AsSpan(r * 2 * n, n));
            images.Row((r + 1) % images.RowCount).CopyTo(values.AsSpan(r * 2 * n + n, n));
        }

        return new FeatureMatrix(values, 2 * n);
    }
}
