using System.Diagnostics;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// The OnnxExport command line (samples/OnnxExport), run as its own process: it turns a pipeline zip into an ONNX file and an ML.NET zip, which
/// this process loads with <c>mlContext.Model.Load</c> and which gives the outputs of the same conversion done here, bit for bit.
/// </summary>
[TestClass]
public sealed class OnnxExportCommandTests
{
    private static readonly string[] OutputColumns = ["Encoded", "Reconstruction", "AnomalyScore", "IsAnomaly", "FeatureErrors", "Score"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OnnxExport_PipelineZipWithMlnet_WritesAZipThatModelLoadReadsInAnotherProcessWithIdenticalOutputs()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView training = Accounts.Training(mlContext);
        ITransformer model = Accounts.Pipeline(mlContext).Fit(training);
        string folder = Folder();
        string pipelineZip = Path.Combine(folder, "pipeline.zip"), onnx = Path.Combine(folder, "autoencoder.onnx"), mlnet = Path.Combine(folder, "mlnet.zip");
        mlContext.Autoencoders.SaveModel(model, training.Schema, pipelineZip);

        string output = Run(pipelineZip, onnx, "--mlnet", mlnet);

        StringAssert.Contains(output, "opset 17");
        var fresh = new MLContext(seed: 3);
        fresh.ComponentCatalog.RegisterAssembly(typeof(OnnxScalarsMapping).Assembly);
        ITransformer loaded = fresh.Model.Load(mlnet, out _);
        ITransformer here = mlContext.Autoencoders.ToOnnxTransformer(model, Path.Combine(folder, "here.onnx"));
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(folder, "here.onnx")), File.ReadAllBytes(onnx), "the export is deterministic");
        IDataView data = mlContext.Data.LoadFromEnumerable(Accounts.Rows());
        IDataView expected = here.Transform(data), actual = loaded.Transform(data);
        foreach (string column in OutputColumns)
        {
            Assert.AreEqual(0, ColumnComparison.MaxError(ColumnComparison.Rows(expected, column), ColumnComparison.Rows(actual, column), r => true), column);
        }
    }

    [TestMethod]
    public void OnnxExport_EngineModelFileWithThreshold_WritesAnOnnxFileWithTheLabel()
    {
        string folder = Folder();
        string modelPath = Path.Combine(folder, "model.aemodel"), onnx = Path.Combine(folder, "model.onnx");
        var data = new FeatureMatrix(Enumerable.Range(0, 400).Select(i => (float)Math.Sin(i)).ToArray(), 4);
        TrainingBackend.Engine.Train(new AutoencoderArchitecture(4, [3], 2), new TrainingOptions { Epochs = 2, BatchSize = 16 }, data).Model.Save(modelPath);

        string output = Run(modelPath, onnx, "--threshold", "0.25");

        StringAssert.Contains(output, "outputs Encoded, Reconstruction, Score, PredictedLabel, FeatureErrors; threshold 0.25");
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.AreEqual("0.25", session.ModelMetadata.CustomMetadataMap["threshold"]);
    }

    private string Run(params string[] arguments)
    {
        string assembly = typeof(OnnxExportCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OnnxExportAssembly").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(2)), "OnnxExport did not finish in 2 minutes");
        Console.WriteLine(output + error.Result);
        Assert.AreEqual(0, process.ExitCode, $"OnnxExport failed: {error.Result}");
        return output;
    }

    private string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnx-export-command-tests", TestContext.TestName ?? "test");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
