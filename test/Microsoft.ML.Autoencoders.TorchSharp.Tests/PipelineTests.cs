using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The backend as ML.NET users pick it: one option on the estimator, and a transformer that no longer needs TorchSharp.</summary>
[TestClass]
public sealed class PipelineTests
{
    [TestMethod]
    public void Fit_TorchSharpBackend_MatchesTheEngineAndSavesWithoutIt()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 600));
        AutoencoderEstimator.Options Options(TrainingBackend backend) => new() { EncoderHiddenSizes = [64], CodeSize = 16, OutputActivation = Activation.Sigmoid, Epochs = 4, Seed = 3, Backend = backend };

        AutoencoderTransformer torch = mlContext.Autoencoders.Autoencoder(Options(new TorchSharpBackend(TorchDevice.Cpu))).Fit(data);
        AutoencoderTransformer engine = mlContext.Autoencoders.Autoencoder(Options(TrainingBackend.Engine)).Fit(data);

        float[] torchScores = Scores(torch.Transform(data));
        float[] engineScores = Scores(engine.Transform(data));
        Assert.AreEqual(engineScores.Average(), torchScores.Average(), 0.01 * engineScores.Average(), "same weights to start, same batches: nearly the same model");
        Assert.AreEqual(engine.Threshold, torch.Threshold, 0.02 * engine.Threshold);

        string path = Path.Combine(Path.GetTempPath(), $"torchsharp-trained-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Autoencoders.SaveModel(torch, data.Schema, path);
            ITransformer loaded = mlContext.Autoencoders.LoadModel(path, out _);
            CollectionAssert.AreEqual(torchScores, Scores(loaded.Transform(data)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void FineTunedClassifier_TorchSharpBackend_LearnsAndSavesWithoutIt()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 1000));
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 500));
        AutoencoderTransformer autoencoder = mlContext.Autoencoders.Autoencoder(codeSize: 16, hiddenSizes: [64], epochs: 4, seed: 2).Fit(train);
        var options = new FineTunedClassifierEstimator.Options { Epochs = 30, FrozenEncoderEpochs = 2, Seed = 3, Backend = new TorchSharpBackend(TorchDevice.Cpu) };
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class))
            .Append(mlContext.Autoencoders.FineTunedClassifier(autoencoder, options));

        var model = pipeline.Fit(train);
        IDataView scored = model.Transform(test);
        MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.7, metrics.MicroAccuracy, $"test accuracy {metrics.MicroAccuracy} on 10 classes after 1,000 labelled rows; chance is 0.1");

        string path = Path.Combine(Path.GetTempPath(), $"torchsharp-classifier-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Autoencoders.SaveModel(model, train.Schema, path);
            IDataView reloaded = mlContext.Autoencoders.LoadModel(path, out _).Transform(test);
            CollectionAssert.AreEqual(
                scored.GetColumn<VBuffer<float>>("Score").SelectMany(v => v.DenseValues()).ToArray(),
                reloaded.GetColumn<VBuffer<float>>("Score").SelectMany(v => v.DenseValues()).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float[] Scores(IDataView view) => view.GetColumn<float>("Score").ToArray();
}
