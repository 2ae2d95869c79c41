extern alias MLNetTorchSharp;

using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetTorchSharp::Microsoft.ML.TorchSharp;
using MLNetTorchSharp::Microsoft.ML.TorchSharp.NasBert;
using TorchSharp;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// An application that uses ML.NET's own TorchSharp trainers (Microsoft.ML.TorchSharp 0.23.1, built against TorchSharp 0.102.7) beside this
/// backend: NuGet unifies both on this project's TorchSharp 0.107.0, and both work in one process on that one assembly.
/// </summary>
[TestClass]
public sealed class CoexistenceTests
{
    private static readonly Version TorchSharpVersion = new(0, 107, 0, 0);

    [TestMethod]
    public void MlNetTorchSharpTrainerAndTorchSharpBackend_InOneProcess_ShareOneTorchSharp0107()
    {
        var mlContext = new MLContext(seed: 1);

        // ML.NET's text classifier, constructed but not fitted: fitting downloads NAS-BERT's weights, and there is no network here.
        TextClassificationTrainer textClassifier = mlContext.MulticlassClassification.Trainers.TextClassification(sentence1ColumnName: "Text");
        Assert.IsInstanceOfType<IEstimator<TorchSharpBaseTransformer>>(textClassifier);

        // ML.NET's TorchSharp code binds its reference (TorchSharp 0.102.7.0) to the assembly this project brings: its transformer's model field is
        // our torch.nn.Module, not a type from another copy.
        FieldInfo? model = typeof(TorchSharpBaseTransformer<,>).GetField("Model", BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.IsNotNull(model, "ML.NET's TorchSharpBaseTransformer keeps its torch module in a field named Model");
        Assert.AreSame(typeof(torch.nn.Module), model.FieldType);
        AssemblyName mlNetReference = typeof(TorchSharpBaseTrainer).Assembly.GetReferencedAssemblies().Single(a => a.Name == "TorchSharp");
        Assert.IsLessThan(TorchSharpVersion, mlNetReference.Version!, "Microsoft.ML.TorchSharp was built against TorchSharp 0.102.7; restore picks 0.107.0 and the runtime binds the older reference to it");

        // Our backend trains in the same process.
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 600));
        var options = new AutoencoderEstimator.Options
        {
            EncoderHiddenSizes = [64], CodeSize = 16, OutputActivation = Activation.Sigmoid, Epochs = 4, Seed = 3, Backend = new TorchSharpBackend(TorchDevice.Cpu),
        };
        AutoencoderTransformer trained = mlContext.Autoencoders.Autoencoder(options).Fit(data);

        Assert.HasCount(4, trained.TrainingHistory);
        Assert.IsLessThan(0.8 * trained.TrainingHistory[0].TrainingLoss, trained.TrainingHistory[^1].TrainingLoss, "the reconstruction error fell");
        Assert.IsLessThan(trained.TrainingHistory[0].TrainingLoss, trained.Transform(data).GetColumn<float>("Score").Average(), "the trained model scores its rows below the first epoch's loss");

        Assembly[] torchSharps = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "TorchSharp").ToArray();
        Assert.HasCount(1, torchSharps, $"one TorchSharp is loaded: {string.Join(", ", torchSharps.Select(a => a.FullName))}");
        Assert.AreEqual(TorchSharpVersion, torchSharps[0].GetName().Version);
        Assert.AreSame(torchSharps[0], typeof(torch).Assembly);
    }
}
