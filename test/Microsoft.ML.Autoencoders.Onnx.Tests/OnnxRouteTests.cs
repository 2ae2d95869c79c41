using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// The ONNX route to ML.NET's own persistence: a fitted autoencoder, alone or in a pipeline, becomes ML.NET transformers (ApplyOnnxModel on ONNX
/// Runtime 1.31.1 and a saved custom mapping) with the same columns, types and values, and <c>mlContext.Model.Save</c> and <c>Load</c> round-trip it.
/// </summary>
[TestClass]
public sealed class OnnxRouteTests
{
    private static readonly string[] AutoencoderColumns = ["Encoded", "Reconstruction", "AnomalyScore", "IsAnomaly", "FeatureErrors"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ToOnnxTransformer_FittedAutoencoder_AddsTheSameColumnsTypesAndValues()
    {
        var mlContext = new MLContext(seed: 1);
        ITransformer model = Accounts.Pipeline(mlContext).Fit(Accounts.Training(mlContext));
        ITransformer[] parts = ((IEnumerable<ITransformer>)model).ToArray();
        AutoencoderTransformer autoencoder = parts.OfType<AutoencoderTransformer>().Single();
        IDataView input = parts[1].Transform(parts[0].Transform(mlContext.Data.LoadFromEnumerable(Accounts.Rows())));

        ITransformer onnx = mlContext.Autoencoders.ToOnnxTransformer(autoencoder, TemporaryPath("autoencoder.onnx"));

        IDataView expected = autoencoder.Transform(input), actual = onnx.Transform(input);
        CollectionAssert.AreEquivalent(Visible(expected), Visible(actual), "the same columns and types (FeatureErrors comes before the score here)");
        float[][] scores = ColumnComparison.Rows(expected, "AnomalyScore");
        Assert.AreEqual(float.MaxValue, scores[1000][0], "the NaN row");
        foreach (string column in AutoencoderColumns)
        {
            // The code and reconstruction of an unusable row mean nothing in either runtime; its score, label and feature errors are compared.
            bool meaningless = column is "Encoded" or "Reconstruction";
            double error = ColumnComparison.MaxError(ColumnComparison.Rows(expected, column), ColumnComparison.Rows(actual, column), r => !meaningless || scores[r][0] != float.MaxValue);
            Console.WriteLine($"{column}: largest error against the autoencoder transformer {error:E2}");
            Assert.IsLessThanOrEqualTo(1e-5, error, column);
        }
    }

    [TestMethod]
    public void ModelSave_PipelineThroughOnnxRoute_LoadsInAFreshContextWithIdenticalOutputs()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView training = Accounts.Training(mlContext);
        ITransformer model = Accounts.Pipeline(mlContext).Fit(training);
        string onnxPath = TemporaryPath("pipeline.onnx"), zip = TemporaryPath("pipeline.zip");
        ITransformer converted = mlContext.Autoencoders.ToOnnxTransformer(model, onnxPath);

        mlContext.Model.Save(converted, training.Schema, zip);
        File.Delete(onnxPath);
        var fresh = new MLContext(seed: 2);
        fresh.ComponentCatalog.RegisterAssembly(typeof(OnnxScalarsMapping).Assembly);
        ITransformer loaded = fresh.Model.Load(zip, out DataViewSchema schema);

        Assert.AreEqual(training.Schema.Count, schema.Count);
        IDataView data = mlContext.Data.LoadFromEnumerable(Accounts.Rows());
        IDataView before = converted.Transform(data), after = loaded.Transform(data), engine = model.Transform(data);
        float[][] scores = ColumnComparison.Rows(engine, "AnomalyScore");
        foreach (string column in AutoencoderColumns.Append("Score"))
        {
            Assert.AreEqual(0, ColumnComparison.MaxError(ColumnComparison.Rows(before, column), ColumnComparison.Rows(after, column), r => true), $"{column} after Model.Load");
            bool meaningless = column is "Encoded" or "Reconstruction" or "Score";
            double error = ColumnComparison.MaxError(ColumnComparison.Rows(engine, column), ColumnComparison.Rows(after, column), r => !meaningless || scores[r][0] != float.MaxValue);
            Console.WriteLine($"{column}: largest error against the engine's pipeline {error:E2}");
            Assert.IsLessThanOrEqualTo(1e-5, error, column);
        }
    }

    [TestMethod]
    public void ToOnnxTransformer_PipelineWithoutAutoencoder_ThrowsNamingTheCount()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView training = Accounts.Training(mlContext);
        ITransformer model = mlContext.Transforms.Concatenate("Features", nameof(Account.Amount)).Fit(training);

        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.ToOnnxTransformer(model, TemporaryPath("none.onnx")));

        StringAssert.Contains(error.Message, "holds 0 AutoencoderTransformers");
    }

    [TestMethod]
    public void ToOnnxTransformer_PipelineWithTwoAutoencoders_ThrowsNamingTheCount()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView training = Accounts.Training(mlContext);
        ITransformer model = mlContext.Transforms.Concatenate("Features", nameof(Account.Amount), nameof(Account.Age))
            .Append(mlContext.Autoencoders.Autoencoder("Features", codeSize: 1, epochs: 1))
            .Append(mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options
            {
                FeatureColumnName = "Reconstruction", CodeSize = 1, Epochs = 1, EncodedColumnName = "Encoded2", ReconstructionColumnName = "Reconstruction2",
                ScoreColumnName = "Score2", PredictedLabelColumnName = "PredictedLabel2", FeatureErrorsColumnName = "FeatureErrors2",
            }))
            .Fit(training);

        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.ToOnnxTransformer(model, TemporaryPath("two.onnx")));

        StringAssert.Contains(error.Message, "holds 2 AutoencoderTransformers");
    }

    private static string[] Visible(IDataView view) => view.Schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}: {c.Type}").ToArray();

    private string TemporaryPath(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnx-route-tests", TestContext.TestName ?? "test");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
