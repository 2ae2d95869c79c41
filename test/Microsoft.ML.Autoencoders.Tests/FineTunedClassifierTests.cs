using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The fine-tuned classifier trainer in ML.NET pipelines: multiclass and binary with ML.NET's evaluators, pretraining, save and load, errors.</summary>
[TestClass]
public sealed class FineTunedClassifierTests
{
    private static readonly FineTunedClassifierEstimator.Options Quick = new() { Epochs = 30, FrozenEncoderEpochs = 2, LearningRate = 3e-3f, Seed = 3 };

    [TestMethod]
    public void Fit_KeyLabel_MulticlassEvaluateAndMapKeyToValueWork()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 1000));
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 500));
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class))
            .Append(mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, Quick))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));

        ITransformer model = pipeline.Fit(train);
        IDataView scored = model.Transform(test);
        MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(scored);

        Assert.IsGreaterThan(0.7, metrics.MicroAccuracy, $"test accuracy {metrics.MicroAccuracy} on 10 classes after 1,000 labelled rows; chance is 0.1");
        Assert.AreEqual(10, ((VectorDataViewType)scored.Schema["Score"].Type).Size);
        float[] predicted = Columns.Read<float>(scored, "PredictedClass");
        float[] actual = Columns.Read<float>(scored, nameof(ImageRow.Class));
        Assert.IsGreaterThan(0.65, predicted.Zip(actual, (p, a) => p == a ? 1.0 : 0.0).Average(), "MapKeyToValue turns the predicted key back into the class value");
    }

    [TestMethod]
    public void Fit_BooleanLabel_BinaryEvaluateWorks()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(Footwear(FashionMnist.ReadRows("train", 1000)));
        IDataView test = mlContext.Data.LoadFromEnumerable(Footwear(FashionMnist.ReadRows("t10k", 500)));

        FineTunedClassifierTransformer model = mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, Quick).Fit(train);
        IDataView scored = model.Transform(test);
        CalibratedBinaryClassificationMetrics metrics = mlContext.BinaryClassification.Evaluate(scored);

        Assert.IsTrue(model.IsBinary);
        Assert.IsGreaterThan(0.95, metrics.Accuracy, "footwear against the rest");
        Assert.IsGreaterThan(0.98, metrics.AreaUnderRocCurve);
        float[] probabilities = Columns.Read<float>(scored, "Probability");
        Assert.IsTrue(probabilities.All(p => p is >= 0f and <= 1f));
    }

    [TestMethod]
    public void Fit_PretrainingEstimatorAndUnlabelledData_PretrainsThenFineTunes()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView unlabelled = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 2000));
        IDataView labelled = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class))
            .Fit(mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 300))).Transform(mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 300)));

        FineTunedClassifierTransformer model = mlContext.Autoencoders.FineTunedClassifier(mlContext.Autoencoders.Autoencoder(codeSize: 16, hiddenSizes: [64], epochs: 2, seed: 2), unlabelled, Quick).Fit(labelled);

        Assert.AreEqual(784, model.Classifier.InputSize);
        Assert.AreEqual(16, model.Classifier.CodeSize);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), model.ClassNames.ToArray(), "the label key's values become the class names");
        Assert.AreEqual(NumberDataViewType.Single, model.ClassNameType, "the key's values were floats");
        double accuracy = mlContext.MulticlassClassification.Evaluate(model.Transform(labelled)).MicroAccuracy;
        Assert.IsGreaterThan(0.6, accuracy, $"training accuracy {accuracy}");
    }

    [TestMethod]
    public void SaveModel_PipelineWithClassifier_LoadsBitExact()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 300));
        IDataView test = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 200));
        ITransformer model = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class))
            .Append(mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, new FineTunedClassifierEstimator.Options { Epochs = 2, FrozenEncoderEpochs = 1, Seed = 1 }))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"))
            .Fit(train);
        var stream = new MemoryStream();

        mlContext.Autoencoders.SaveModel(model, train.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Autoencoders.LoadModel(stream, out _);
        var again = new MemoryStream();
        mlContext.Autoencoders.SaveModel(loaded, train.Schema, again);

        string[] columns = ["Score", "PredictedLabel", "PredictedClass"];
        CollectionAssert.AreEqual(OutputBits.Of(model.Transform(test), columns), OutputBits.Of(loaded.Transform(test), columns));
        CollectionAssert.AreEqual(stream.ToArray(), again.ToArray(), "saving the loaded pipeline gives the same bytes");
        Assert.AreEqual(1, ((TransformerChain<ITransformer>)loaded).OfType<FineTunedClassifierTransformer>().Count());
    }

    [TestMethod]
    public void SaveModel_BinaryClassifierAlone_LoadsBitExact()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(Footwear(FashionMnist.ReadRows("train", 300)));
        FineTunedClassifierTransformer model = mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, new FineTunedClassifierEstimator.Options { Epochs = 2, Seed = 1 }).Fit(train);
        var stream = new MemoryStream();

        mlContext.Autoencoders.SaveModel(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = (FineTunedClassifierTransformer)new MLContext().Autoencoders.LoadModel(stream, out _);

        string[] columns = ["Score", "Probability", "PredictedLabel"];
        CollectionAssert.AreEqual(OutputBits.Of(model.Transform(train), columns), OutputBits.Of(loaded.Transform(train), columns));
    }

    [TestMethod]
    public void Fit_FloatLabel_ThrowsNamingTheColumnAndMapValueToKey()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 50));
        var options = new FineTunedClassifierEstimator.Options { LabelColumnName = nameof(ImageRow.Class), Epochs = 1 };

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, options).Fit(train));

        StringAssert.Contains(error.Message, "Label column \"Class\" is Single");
        StringAssert.Contains(error.Message, "MapValueToKey(\"Class\")");
    }

    [TestMethod]
    public void Fit_NaNFeature_ThrowsNamingColumnRowAndSlot()
    {
        var mlContext = new MLContext(seed: 1);
        ImageRow[] rows = FashionMnist.ReadRows("train", 50);
        rows[7].Features[30] = float.NaN;
        IDataView train = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(ImageRow.Class)).Fit(mlContext.Data.LoadFromEnumerable(rows)).Transform(mlContext.Data.LoadFromEnumerable(rows));

        var error = Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, Quick).Fit(train));

        StringAssert.Contains(error.Message, "Row 7 of column \"Features\" holds NaN at slot 30");
    }

    [TestMethod]
    public void Fit_FeaturesNarrowerThanTheAutoencoder_ThrowsNamingColumnAndSizes()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new NarrowRow { Label = i % 2 == 0, Features = new float[10] }));

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.FineTunedClassifier(SharedModel.Transformer, Quick).Fit(train));

        StringAssert.Contains(error.Message, "Column \"Features\" is Vector<Single, 10>, 10 features per row; this autoencoder was trained on 784");
    }

    /// <summary>The rows labelled true for sandals, sneakers and ankle boots.</summary>
    private static IEnumerable<BinaryRow> Footwear(ImageRow[] rows) =>
        rows.Select(r => new BinaryRow { Label = r.Class is 5f or 7f or 9f, Features = r.Features }).ToArray();

    /// <summary>An image with a binary label.</summary>
    private sealed class BinaryRow
    {
        public bool Label { get; set; }

        [VectorType(FashionMnist.Pixels)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Ten features and a binary label.</summary>
    private sealed class NarrowRow
    {
        public bool Label { get; set; }

        [VectorType(10)]
        public float[] Features { get; set; } = [];
    }
}
