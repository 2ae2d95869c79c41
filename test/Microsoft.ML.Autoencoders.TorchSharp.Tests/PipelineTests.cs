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

    private static float[] Scores(IDataView view) => view.GetColumn<float>("Score").ToArray();
}
