using System.IO.Compression;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

[TestClass]
public sealed class PersistenceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void SaveModel_LoadIntoNewContext_OutputsIdenticalBytes()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 1500));
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 300));
        var pipeline = mlContext.Transforms.NormalizeMinMax("Features")
            .Append(mlContext.Autoencoders.Autoencoder(codeSize: 8, hiddenSizes: [32], epochs: 2, seed: 5))
            .Append(mlContext.Transforms.Concatenate("CodeAndScore", "Encoded", "Score"))
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class)))
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "CodeAndScore", maximumNumberOfIterations: 5));
        ITransformer model = pipeline.Fit(train);
        string path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.zip");

        mlContext.Autoencoders.SaveModel(model, train.Schema, path);
        var other = new MLContext();
        ITransformer loaded = other.Autoencoders.LoadModel(path, out DataViewSchema inputSchema);

        string[] columns = ["Features", "Encoded", "Reconstruction", "Score", "PredictedLabel", "FeatureErrors", "CodeAndScore"];
        IDataView expected = model.Transform(test);
        IDataView actual = loaded.Transform(other.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 300)));
        string[] present = columns.Where(c => expected.Schema.GetColumnOrNull(c) != null).ToArray();
        CollectionAssert.AreEqual(OutputBits.Of(expected, present), OutputBits.Of(actual, present));
        Assert.AreEqual(train.Schema.Count, inputSchema.Count);
        Assert.IsInstanceOfType<TransformerChain<ITransformer>>(loaded);
        Assert.AreEqual(1, ((TransformerChain<ITransformer>)loaded).OfType<AutoencoderTransformer>().Count());
        Assert.IsFalse(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.tmp").Any(), "no temporary file left behind");
    }

    [TestMethod]
    public void SaveModel_SingleTransformer_LoadsTransformerWithThresholdColumnsAndHistory()
    {
        var mlContext = new MLContext(seed: 1);
        AutoencoderTransformer original = SharedModel.Transformer.WithThreshold(0.0125f);
        var stream = new MemoryStream();
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 50));

        mlContext.Autoencoders.SaveModel(original, test.Schema, stream);
        stream.Position = 0;
        var loaded = (AutoencoderTransformer)new MLContext().Autoencoders.LoadModel(stream, out _);

        Assert.AreEqual(0.0125f, loaded.Threshold);
        Assert.AreEqual(original.Columns, loaded.Columns);
        Assert.HasCount(original.TrainingHistory.Count, loaded.TrainingHistory);
        Assert.AreEqual(original.TrainingHistory[^1] with { SamplesPerSecond = 0, Elapsed = TimeSpan.Zero }, loaded.TrainingHistory[^1]);
        CollectionAssert.AreEqual(OutputBits.Of(original.Transform(test), "Score"), OutputBits.Of(loaded.Transform(test), "Score"));
    }

    [TestMethod]
    public void ModelSave_PipelineHoldingAutoencoder_ThrowsNamingSaveModel()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 50));
        ITransformer chain = new TransformerChain<ITransformer>(mlContext.Transforms.NormalizeMinMax("Features").Fit(data), SharedModel.Transformer);

        Exception e = Assert.Throws<Exception>(() => mlContext.Model.Save(chain, data.Schema, new MemoryStream()));

        TestContext.WriteLine($"{e.GetType().Name}: {e.Message}");
        StringAssert.Contains(e.Message, "mlContext.Autoencoders.SaveModel(model, inputSchema, path)");
        Assert.IsInstanceOfType<NotSupportedException>(e);
    }

    [TestMethod]
    public void LoadModel_NotAPipelineFile_ThrowsInvalidData()
    {
        var mlContext = new MLContext();
        var stream = new MemoryStream([1, 2, 3, 4, 5]);

        var e = Assert.Throws<InvalidDataException>(() => mlContext.Autoencoders.LoadModel(stream, out _));

        StringAssert.Contains(e.Message, "mlContext.Autoencoders.SaveModel");
    }

    [TestMethod]
    public void LoadModel_FileWrittenByFormatVersion1_LoadsWithTheOutputsItWasSavedWith()
    {
        var mlContext = new MLContext();
        string directory = Path.Combine(AppContext.BaseDirectory, "TestData");
        List<int> expected = File.ReadAllText(Path.Combine(directory, "pipeline-v1.outputs.txt")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

        ITransformer loaded = mlContext.Autoencoders.LoadModel(Path.Combine(directory, "pipeline-v1.zip"), out DataViewSchema inputSchema);

        IDataView probe = SmallPipeline.Data(mlContext, 8, 20, seed: 11);
        CollectionAssert.AreEqual(expected, OutputBits.Of(loaded.Transform(probe), SmallPipeline.Columns));
        Assert.AreEqual("Vector<Single, 8>", inputSchema["Features"].Type.ToString());
        AutoencoderTransformer autoencoder = ((TransformerChain<ITransformer>)loaded).OfType<AutoencoderTransformer>().Single();
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, autoencoder.TrainingHistory.Select(r => r.Epoch).ToArray());
        Assert.IsTrue(autoencoder.TrainingHistory.All(r => r.EpochCount == 3 && r.ValidationLoss > 0 && r.TrainingLoss > 0 && r.LearningRate == 1e-2f));
        Assert.IsTrue(autoencoder.TrainingHistory.All(r => r.SamplesPerSecond == 0 && r.Elapsed == TimeSpan.Zero), "timings are not loaded, even from a version-1 file that holds them");
    }

    [TestMethod]
    public void LoadModel_TruncatedMLNetSegment_ThrowsInvalidDataNamingTheEntry()
    {
        var mlContext = new MLContext(seed: 1);
        byte[] file = Save(mlContext, SmallPipeline.Fit(mlContext));
        foreach (string name in new[] { "input-schema.zip", "segment-0.zip", "segment-2.zip" })
        {
            byte[] segment = PipelineZip.Entry(file, name);
            foreach (int length in new[] { 0, 30, segment.Length / 2, segment.Length - 1 })
            {
                byte[] damaged = PipelineZip.Replace(file, name, segment[..length]);

                var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Autoencoders.LoadModel(new MemoryStream(damaged), out _), $"{name} cut to {length} bytes");

                StringAssert.Contains(e.Message, $"\"{name}\"");
            }
        }
    }

    [TestMethod]
    public void LoadModel_MLNetSegmentThatMLNetRefuses_ThrowsInvalidDataKeepingMLNetsException()
    {
        // A well-formed zip (valid CRCs) whose chain model is cut short, with its SHA-256 in the manifest updated:
        // it passes every check of the pipeline file and reaches ML.NET's reader.
        var mlContext = new MLContext(seed: 1);
        byte[] file = Save(mlContext, SmallPipeline.Fit(mlContext));
        byte[] segment = PipelineZip.Entry(file, "segment-0.zip");
        byte[] chain = PipelineZip.Entry(segment, "TransformerChain/Model.key");
        byte[] damaged = PipelineZip.ReplaceSigned(file, "segment-0.zip", PipelineZip.Replace(segment, "TransformerChain/Model.key", chain[..(chain.Length / 2)]));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Autoencoders.LoadModel(new MemoryStream(damaged), out _));

        TestContext.WriteLine(e.ToString());
        StringAssert.Contains(e.Message, "\"segment-0.zip\"");
        StringAssert.Contains(e.Message, "ML.NET");
        Assert.IsNotNull(e.InnerException);
        StringAssert.Contains(e.Message, e.InnerException.Message);
    }

    [TestMethod]
    public void SaveModel_TwoFitsWithOneSeed_ByteIdenticalFilesWithFixedTimestamps()
    {
        byte[] FitAndSave()
        {
            var mlContext = new MLContext(seed: 1);
            return Save(mlContext, SmallPipeline.Fit(mlContext, epochs: 20));
        }

        byte[] first = FitAndSave();
        byte[] second = FitAndSave();

        CollectionAssert.AreEqual(EntryNames(first), EntryNames(second));
        foreach ((string name, byte[] bytes) in PipelineZip.Entries(first))
        {
            CollectionAssert.AreEqual(bytes, PipelineZip.Entry(second, name), $"entry {name} differs");
        }

        CollectionAssert.AreEqual(first, second, "the files differ outside their entries' bytes");
        AssertFixedTimestamps(first, "the pipeline file");
        foreach ((string name, byte[] bytes) in PipelineZip.Entries(first).Where(e => e.Name.EndsWith(".zip", StringComparison.Ordinal)))
        {
            AssertFixedTimestamps(bytes, name);
        }
    }

    [TestMethod]
    public void SaveModel_LoadedPipelineSavedAgain_ByteIdenticalFile()
    {
        var mlContext = new MLContext(seed: 1);
        byte[] first = Save(mlContext, SmallPipeline.Fit(mlContext));

        var other = new MLContext();
        ITransformer loaded = other.Autoencoders.LoadModel(new MemoryStream(first), out DataViewSchema inputSchema);
        var stream = new MemoryStream();
        other.Autoencoders.SaveModel(loaded, inputSchema, stream);

        CollectionAssert.AreEqual(first, stream.ToArray());
        AssertFixedTimestamps(stream.ToArray(), "the pipeline file saved again"); // not the same bytes only because both saves fell in one 2-second zip time step

    }

    [TestMethod]
    public void LoadModel_TrainingHistory_KeepsEpochsLossesAndLearningRatesWithoutTimings()
    {
        var mlContext = new MLContext(seed: 1);
        ITransformer model = SmallPipeline.Fit(mlContext, epochs: 10);
        AutoencoderTransformer original = ((IEnumerable<ITransformer>)model).OfType<AutoencoderTransformer>().Single();

        var loaded = ((IEnumerable<ITransformer>)new MLContext().Autoencoders.LoadModel(new MemoryStream(Save(mlContext, model)), out _)).OfType<AutoencoderTransformer>().Single();

        Assert.IsTrue(original.TrainingHistory.All(r => r.SamplesPerSecond > 0 && r.Elapsed > TimeSpan.Zero));
        CollectionAssert.AreEqual(
            original.TrainingHistory.Select(r => r with { SamplesPerSecond = 0, Elapsed = TimeSpan.Zero }).ToArray(),
            loaded.TrainingHistory.ToArray());
    }

    [TestMethod]
    public void SaveModel_TwoHundredEpochs_HistoryTakesLessRoomThanTheWeights()
    {
        var mlContext = new MLContext(seed: 1);
        byte[] file = Save(mlContext, SmallPipeline.Fit(mlContext, width: 32, rows: 500, epochs: 200), width: 32);

        using var archive = new ZipArchive(new MemoryStream(file));
        ZipArchiveEntry weights = archive.GetEntry("segment-1.mlae")!, settings = archive.GetEntry("segment-1.json")!;
        TestContext.WriteLine($"200 epochs: a {file.Length}-byte file; weights {weights.Length} bytes ({weights.CompressedLength} stored), " +
            $"settings and history {settings.Length} bytes ({settings.CompressedLength} stored)");
        Assert.IsLessThan(weights.CompressedLength, settings.CompressedLength);
    }

    private static string[] EntryNames(byte[] zip) => PipelineZip.Entries(zip).Select(e => e.Name).ToArray();

    private static void AssertFixedTimestamps(byte[] zip, string what)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            Assert.AreEqual(new DateTime(1980, 1, 1), entry.LastWriteTime.DateTime, $"{what}: entry {entry.FullName}");
        }
    }

    private static byte[] Save(MLContext mlContext, ITransformer model, int width = 8)
    {
        var stream = new MemoryStream();
        mlContext.Autoencoders.SaveModel(model, SmallPipeline.Data(mlContext, width, 1, seed: 3).Schema, stream);
        return stream.ToArray();
    }
}
