using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// Issue 14, item 3: every training option of the engine reaches ML.NET users. Each is set through a pipeline and shown to take effect:
/// a step decay in the epoch reports' learning rates, the others in a trained model that differs from the default's.
/// </summary>
[TestClass]
public sealed class TrainingOptionsTests
{
    private const int Width = 6;

    [TestMethod]
    public void Autoencoder_StepDecay_EpochReportsShowTheDecayedRates()
    {
        var mlContext = new MLContext(seed: 1);
        AutoencoderEstimator.Options options = Small();
        options.Schedule = LearningRateSchedule.Step;
        options.StepDecayEpochs = 2;
        options.StepDecayFactor = 0.5f;

        AutoencoderTransformer model = Pipeline(mlContext, mlContext.Autoencoders.Autoencoder(options)).Fit(Data(mlContext)).LastTransformer;

        CollectionAssert.AreEqual(new[] { 0.01f, 0.01f, 0.005f, 0.005f, 0.0025f }, model.TrainingHistory.Select(r => r.LearningRate).ToArray());
    }

    [TestMethod]
    public void ImputeMissing_StepDecay_EpochReportsShowTheDecayedRates()
    {
        var mlContext = new MLContext(seed: 1);
        var options = new AutoencoderImputingEstimator.Options
        {
            CodeSize = 4, EncoderHiddenSizes = [8], Epochs = 3, LearningRate = 0.02f, Seed = 1,
            Schedule = LearningRateSchedule.Step, StepDecayEpochs = 1, StepDecayFactor = 0.5f,
        };

        AutoencoderImputingTransformer model = Pipeline(mlContext, mlContext.Autoencoders.ImputeMissing(options)).Fit(Data(mlContext)).LastTransformer;

        CollectionAssert.AreEqual(new[] { 0.02f, 0.01f, 0.005f }, model.TrainingHistory.Select(r => r.LearningRate).ToArray());
    }

    [TestMethod]
    [DataRow("Momentum")]
    [DataRow("Beta1")]
    [DataRow("Beta2")]
    [DataRow("Epsilon")]
    [DataRow("Initialization")]
    [DataRow("StepDecayFactor")]
    [DataRow("StepDecayEpochs")]
    [DataRow("LayerwisePretrainingEpochs")]
    public void Autoencoder_OptionSetInAPipeline_TrainsAnotherModel(string option)
    {
        float[] baseline = Scores(Baseline(option));
        AutoencoderEstimator.Options changed = Baseline(option);
        switch (option)
        {
            case "Momentum": changed.Momentum = 0.5f; break;
            case "Beta1": changed.Beta1 = 0.5f; break;
            case "Beta2": changed.Beta2 = 0.9f; break;
            case "Epsilon": changed.Epsilon = 0.1f; break;
            case "Initialization": changed.Initialization = WeightInitialization.Glorot; break;
            case "StepDecayFactor": changed.StepDecayFactor = 0.9f; break;
            case "LayerwisePretrainingEpochs": changed.LayerwisePretrainingEpochs = 2; break;
            default: changed.StepDecayEpochs = 2; break;
        }

        CollectionAssert.AreNotEqual(baseline, Scores(changed), $"{option} made no difference to the trained model");
    }

    [TestMethod]
    public void Defaults_AgreeWithTheEngine()
    {
        var engine = new TrainingOptions();

        Assert.AreEqual(Defaults.BatchSize, engine.BatchSize);
        Assert.AreEqual(Defaults.LearningRate, engine.LearningRate);
        Assert.AreEqual(Defaults.Optimizer, engine.Optimizer);
        Assert.AreEqual(Defaults.Beta1, engine.Beta1);
        Assert.AreEqual(Defaults.Beta2, engine.Beta2);
        Assert.AreEqual(Defaults.Epsilon, engine.Epsilon);
        Assert.AreEqual(Defaults.Momentum, engine.Momentum);
        Assert.AreEqual(Defaults.Initialization, engine.Initialization);
        Assert.AreEqual(Defaults.Schedule, engine.Schedule);
        Assert.AreEqual(Defaults.StepDecayEpochs, engine.StepDecayEpochs);
        Assert.AreEqual(Defaults.StepDecayFactor, engine.StepDecayFactor);
        Assert.AreEqual(Defaults.StreamingBlockRows, engine.StreamingBlockRows);
        Assert.AreEqual(Defaults.NoiseLevel, engine.NoiseLevel);
        Assert.AreEqual(Defaults.SparsityTarget, engine.SparsityTarget);
        Assert.AreEqual(Defaults.KlWeight, engine.KlWeight);
        Assert.AreEqual(Defaults.LayerwisePretrainingEpochs, engine.LayerwisePretrainingEpochs);
        Assert.AreEqual(Defaults.Epochs(null, Defaults.BatchSize), engine.Epochs, "streamed data trains the engine's default epochs");
    }

    [TestMethod]
    public void Options_DefaultsOfEveryMember_AreTheDefaultsClass()
    {
        var plain = new AutoencoderEstimator.Options();
        var denoising = new DenoisingAutoencoderEstimator.Options();
        var convolutional = new ConvolutionalAutoencoderEstimator.Options();
        var imputer = new AutoencoderImputingEstimator.Options();

        Assert.AreEqual(Defaults.BatchSize, plain.BatchSize);
        Assert.AreEqual(Defaults.BatchSize, convolutional.BatchSize);
        Assert.AreEqual(Defaults.BatchSize, imputer.BatchSize);
        Assert.AreEqual(Defaults.DenoisingNoise, denoising.Noise);
        Assert.AreEqual(Defaults.DenoisingNoiseLevel, denoising.NoiseLevel);
        Assert.AreEqual(Defaults.ImageOutputActivation, convolutional.OutputActivation);
        Assert.IsNull(convolutional.Epochs, "the convolutional options, like the catalog's overload, leave the epochs to the data");
        Assert.AreEqual(Defaults.MaskingFraction, imputer.MaskingFraction);
    }

    /// <summary>Options that make <paramref name="option"/> count: SGD for the momentum, a step schedule for the decay pair.</summary>
    private static AutoencoderEstimator.Options Baseline(string option)
    {
        AutoencoderEstimator.Options options = Small();
        options.Optimizer = option == "Momentum" ? Optimizer.Sgd : Optimizer.Adam;
        if (option.StartsWith("StepDecay", StringComparison.Ordinal))
        {
            options.Schedule = LearningRateSchedule.Step;
            options.StepDecayEpochs = 1;
            options.StepDecayFactor = 0.5f;
        }

        return options;
    }

    private static float[] Scores(AutoencoderEstimator.Options options)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = Data(mlContext);
        return Pipeline(mlContext, mlContext.Autoencoders.Autoencoder(options)).Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
    }

    private static AutoencoderEstimator.Options Small() => new()
    {
        CodeSize = 2, EncoderHiddenSizes = [8], Epochs = 5, BatchSize = 16, LearningRate = 0.01f, Seed = 3,
    };

    private static EstimatorChain<TTransformer> Pipeline<TTransformer>(MLContext mlContext, IEstimator<TTransformer> estimator)
        where TTransformer : class, ITransformer =>
        mlContext.Transforms.Concatenate("Features", "A", "B").Append(estimator);

    /// <summary>120 rows of two 3-wide columns driven by one factor.</summary>
    private static IDataView Data(MLContext mlContext)
    {
        var random = new Random(2);
        Row[] rows = Enumerable.Range(0, 120).Select(_ =>
        {
            float a = (float)(random.NextDouble() * 2 - 1);
            return new Row { A = [a, 2 * a, -a], B = [a * a, (float)random.NextDouble(), 1 - a] };
        }).ToArray();
        return mlContext.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Two vector columns, concatenated into the features.</summary>
    public sealed class Row
    {
        /// <summary>The first half.</summary>
        [VectorType(Width / 2)]
        public float[] A = [];

        /// <summary>The second half.</summary>
        [VectorType(Width / 2)]
        public float[] B = [];
    }
}
