using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

[TestClass]
public sealed class FitTests
{
    [TestMethod]
    public void Fit_Contamination_FlagsAboutThatFractionOfTrainingRows()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 1000));
        var options = new AutoencoderEstimator.Options { CodeSize = 8, EncoderHiddenSizes = [32], Epochs = 2, Contamination = 0.1f };

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);
        double flagged = Columns.Read<bool>(model.Transform(data), "PredictedLabel").Average(b => b ? 1.0 : 0.0);

        Assert.AreEqual(0.1, flagged, 0.005);
    }

    [TestMethod]
    public void Fit_ThresholdGiven_UsesIt()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 200));
        var options = new AutoencoderEstimator.Options { CodeSize = 4, EncoderHiddenSizes = [], Epochs = 1, Threshold = 0.5f };

        Assert.AreEqual(0.5f, mlContext.Autoencoders.Autoencoder(options).Fit(data).Threshold);
    }

    [TestMethod]
    public void Fit_FalsePositiveRateWithValidationData_FlagsThatFractionOfValidationRows()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 800));
        IDataView validation = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 1200).Skip(800));
        var options = new AutoencoderEstimator.Options { CodeSize = 8, EncoderHiddenSizes = [32], Epochs = 2, FalsePositiveRate = 0.02f };

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(train, validation);
        double flagged = Columns.Read<bool>(model.Transform(validation), "PredictedLabel").Average(b => b ? 1.0 : 0.0);

        Assert.AreEqual(0.02, flagged, 0.005);
        Assert.IsNotNull(model.TrainingHistory[0].ValidationLoss);
    }

    [TestMethod]
    public void Fit_FalsePositiveRateWithoutValidationData_Throws()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 100));
        var options = new AutoencoderEstimator.Options { CodeSize = 4, Epochs = 1, FalsePositiveRate = 0.02f };

        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Autoencoder(options).Fit(train));

        StringAssert.Contains(e.Message, "validation data");
    }

    [TestMethod]
    public void Fit_ScaleFeatureErrors_ScoresNormalRowsNearOneAndSavesTheScales()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 800));
        var options = new AutoencoderEstimator.Options { CodeSize = 8, EncoderHiddenSizes = [32], Epochs = 2, Seed = 4, ScaleFeatureErrors = true, Contamination = 0.1f };

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);
        float[] scores = Columns.Read<float>(model.Transform(data), "Score");

        Assert.AreEqual(784, model.Model.ErrorScales!.Count);
        Assert.AreEqual(1.0, scores.Average(), 0.02, "each feature's error divided by its training mean averages to about 1");
        Assert.AreEqual(0.1, scores.Count(s => s > model.Threshold) / (double)scores.Length, 0.005, "the contamination threshold is learned on the scaled scores");
        AssertSavedModelScoresTheSame(mlContext, model, data, scores);
    }

    [TestMethod]
    public void Fit_CodeNeighbours_LearnsTheThresholdOnTheNewScoresAndSavesTheNeighbours()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 800));
        var options = new AutoencoderEstimator.Options { CodeSize = 8, EncoderHiddenSizes = [32], Epochs = 2, Seed = 4, ScaleFeatureErrors = true, CodeNeighbours = 10, Contamination = 0.1f };

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);
        float[] scores = Columns.Read<float>(model.Transform(data), "Score");

        Assert.AreEqual(10, model.Model.CodeNeighbourCount);
        Assert.AreEqual(784, model.Model.ErrorScales!.Count);
        float[] kept = [.. model.Model.KeptNormalRowScores!];
        float[] fresh = Columns.Read<float>(model.Transform(mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 2400).Skip(800))), "Score");
        double freshRate = fresh.Count(s => s > model.Threshold) / (double)fresh.Length;
        Console.WriteLine($"contamination 0.1: {freshRate:P2} of 1,600 new rows flagged, {scores.Count(s => s > model.Threshold) / (double)scores.Length:P2} of the 800 training rows");
        Assert.AreEqual(0.1, kept.Count(s => s > model.Threshold) / (double)kept.Length, 0.005, "the threshold is the quantile of the kept rows' leave-one-out scores");
        Assert.IsInRange(0.07, 0.13, freshRate, "new rows like the training rows are flagged at about the contamination");
        Assert.ThrowsExactly<NotSupportedException>(() => model.ExportOnnx(new MemoryStream()));
        AssertSavedModelScoresTheSame(mlContext, model, data, scores);
    }

    [TestMethod]
    public void Options_CodeNeighboursOutOfRangeOrOnAVae_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 1);

        var negative = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { CodeNeighbours = -1 }));
        var vae = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Vae(new VaeEstimator.Options { CodeNeighbours = 5 }));

        Assert.AreEqual(nameof(AutoencoderEstimator.Options.CodeNeighbours), negative.ParamName);
        Assert.AreEqual(nameof(AutoencoderEstimator.Options.CodeNeighbours), vae.ParamName);
    }

    [TestMethod]
    public void Options_ScaleFeatureErrorsOnAVae_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 1);

        var e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Vae(new VaeEstimator.Options { ScaleFeatureErrors = true }));

        Assert.AreEqual(nameof(AutoencoderEstimator.Options.ScaleFeatureErrors), e.ParamName);
    }

    [TestMethod]
    public void Fit_Backend_TrainsThroughItWithTheOptionsArchitecture()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 200));
        var backend = new RecordingBackend();
        var options = new AutoencoderEstimator.Options { CodeSize = 6, EncoderHiddenSizes = [20], Epochs = 2, Seed = 3, Backend = backend };

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);

        Assert.AreEqual(1, backend.Calls);
        Assert.AreEqual("784-20-6-20-784", string.Join("-", backend.Architecture!.LayerSizes));
        Assert.AreEqual(2, backend.Options!.Epochs);
        Assert.AreEqual(3, backend.Options.Seed);
        Assert.AreSame(backend.Architecture, model.Model.Architecture, "the model is the one the backend's run built");
    }

    [TestMethod]
    public void Options_NullBackend_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 1);
        var options = new AutoencoderEstimator.Options { Backend = null! };

        var e = Assert.ThrowsExactly<ArgumentNullException>(() => mlContext.Autoencoders.Autoencoder(options));

        Assert.AreEqual(nameof(AutoencoderEstimator.Options.Backend), e.ParamName);
    }

    /// <summary>Trains on the engine and records what the estimator asked of it.</summary>
    private sealed class RecordingBackend : TrainingBackend
    {
        public int Calls { get; private set; }

        public AutoencoderArchitecture? Architecture { get; private set; }

        public TrainingOptions? Options { get; private set; }

        protected override ITrainingSession CreateSession(TrainingSessionRequest request)
        {
            Calls++;
            Architecture = request.Architecture;
            Options = request.Options;
            return CreateSession(Engine, request);
        }
    }

    [TestMethod]
    public void WithThreshold_NewValue_ReturnsCopyAndLeavesOriginal()
    {
        var mlContext = new MLContext();
        AutoencoderTransformer original = SharedModel.Transformer;
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 300));
        float[] scores = Columns.Read<float>(original.Transform(data), "Score");
        float median = scores.Order().ElementAt(150);

        AutoencoderTransformer copy = original.WithThreshold(median);
        bool[] labels = Columns.Read<bool>(copy.Transform(data), "PredictedLabel");

        Assert.AreNotSame(original, copy);
        Assert.AreSame(original.Model, copy.Model);
        Assert.AreEqual(median, copy.Threshold);
        Assert.AreNotEqual(median, original.Threshold);
        CollectionAssert.AreEqual(scores.Select(s => s > median).ToList(), labels);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => original.WithThreshold(float.NaN));
    }

    [TestMethod]
    public void Fit_LogsOneLinePerEpochAndReportsProgress()
    {
        var mlContext = new MLContext(seed: 1);
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) { messages.Add(e.Message); } };
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 300));

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(codeSize: 4, hiddenSizes: [], epochs: 3).Fit(data);

        Assert.HasCount(3, model.TrainingHistory);
        string[] epochLines = messages.Where(m => m.Contains("Epoch ") && m.Contains("training loss")).ToArray();
        Assert.HasCount(3, epochLines, string.Join("\n", messages));
        StringAssert.Contains(epochLines[2], "Epoch 3/3");
    }

    [TestMethod]
    public void Fit_SameContextSeed_SameModel()
    {
        IDataView Data(MLContext c) => c.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 300));
        var a = new MLContext(seed: 5);
        var b = new MLContext(seed: 5);

        AutoencoderTransformer first = a.Autoencoders.Autoencoder(codeSize: 4, hiddenSizes: [], epochs: 1).Fit(Data(a));
        AutoencoderTransformer second = b.Autoencoders.Autoencoder(codeSize: 4, hiddenSizes: [], epochs: 1).Fit(Data(b));

        Assert.AreEqual(first.Threshold, second.Threshold);
    }

    [TestMethod]
    public void Constructor_BadOptions_ThrowNamingTheOption()
    {
        var mlContext = new MLContext();
        Assert.AreEqual("CodeSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { CodeSize = 0 })).ParamName);
        Assert.AreEqual("Contamination", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(contamination: 1.5f)).ParamName);
        Assert.AreEqual("Epochs", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(epochs: 0)).ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options { EncodedColumnName = "Score" }));
    }

    /// <summary>Saves <paramref name="model"/> as a pipeline file, loads it, and checks it gives <paramref name="data"/> the same scores bit for bit.</summary>
    private static void AssertSavedModelScoresTheSame(MLContext mlContext, AutoencoderTransformer model, IDataView data, float[] scores)
    {
        string path = Path.Combine(Path.GetTempPath(), $"fit-test-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Autoencoders.SaveModel(model, data.Schema, path);
            ITransformer loaded = mlContext.Autoencoders.LoadModel(path, out _);
            CollectionAssert.AreEqual(scores, Columns.Read<float>(loaded.Transform(data), "Score"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
