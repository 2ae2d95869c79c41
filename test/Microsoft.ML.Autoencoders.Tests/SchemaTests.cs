using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

[TestClass]
public sealed class SchemaTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void GetOutputSchema_MissingColumn_ThrowsNamingColumnAndSuggestingConcatenate()
    {
        var mlContext = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).GetOutputSchema(Shapes.Of<NoFeatures>(mlContext)));
        Check(e, "\"Features\"", "Concatenate", "A (Single)");
    }

    [TestMethod]
    public void Fit_MissingColumn_ThrowsNamingColumnAndSuggestingConcatenate()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable([new NoFeatures()]);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).Fit(data));
        Check(e, "\"Features\"", "Concatenate", "A (Single)");
    }

    [TestMethod]
    public void GetOutputSchema_DoubleVector_ThrowsNamingTypeAndConvertType()
    {
        var mlContext = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).GetOutputSchema(Shapes.Of<DoubleFeatures>(mlContext)));
        Check(e, "\"Features\"", "Double", "ConvertType");
    }

    [TestMethod]
    public void Fit_DoubleVector_ThrowsNamingTypeAndConvertType()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable([new DoubleFeatures()]);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).Fit(data));
        Check(e, "\"Features\"", "Vector<Double, 3>", "ConvertType");
    }

    [TestMethod]
    public void GetOutputSchema_VariableSizeVector_ThrowsNamingUnknownSize()
    {
        var mlContext = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).GetOutputSchema(Shapes.Of<VariableFeatures>(mlContext)));
        Check(e, "\"Features\"", "unknown (variable) size", "known-size vector of Single");
    }

    [TestMethod]
    public void Fit_VariableSizeVector_ThrowsNamingUnknownSize()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable([new VariableFeatures { Features = [1, 2] }]);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).Fit(data));
        Check(e, "\"Features\"", "unknown (variable) size", "known-size vector of Single");
    }

    [TestMethod]
    public void GetOutputSchema_TextColumn_ThrowsSuggestingFeaturizeText()
    {
        var mlContext = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).GetOutputSchema(Shapes.Of<TextFeatures>(mlContext)));
        Check(e, "\"Features\"", "String", "FeaturizeText");
    }

    [TestMethod]
    public void Fit_TextColumn_ThrowsSuggestingFeaturizeText()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable([new TextFeatures { Features = "a" }]);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Estimator(mlContext).Fit(data));
        Check(e, "\"Features\"", "String", "FeaturizeText");
    }

    [TestMethod]
    public void Fit_ScalarFloatColumn_ThrowsSuggestingConcatenate()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable([new NoFeatures()]);
        var estimator = mlContext.Autoencoders.Autoencoder("A", codeSize: 2);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Check(e, "\"A\"", "Single", "Concatenate(\"A\"");
    }

    [TestMethod]
    public void Transform_WrongVectorSize_ThrowsNamingBothSizes()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable([new DoubleFeatures()]);
        IDataView floats = mlContext.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Single).Fit(data).Transform(data);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SharedModel.Transformer.Transform(floats));
        Check(e, "\"Features\"", "784", "3 features");
    }

    [TestMethod]
    public void EstimatorChainFit_ConcatenatedColumnsThenSdca_Trains()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 300).Select(i => new Tabular { A = i % 7, B = (i % 5) * 0.5f, C = i % 3, Label = i % 7 > 3 }).ToArray();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var pipeline = mlContext.Transforms.Concatenate("Features", "A", "B", "C")
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
            .Append(mlContext.Autoencoders.Autoencoder("Features", codeSize: 2, hiddenSizes: [8], epochs: 5))
            .Append(mlContext.BinaryClassification.Trainers.SdcaLogisticRegression("Label", "Encoded"));

        var model = pipeline.Fit(data);
        var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(data));

        TestContext.WriteLine($"Tabular codes -> SDCA logistic regression: accuracy {metrics.Accuracy:P1}");
        Assert.IsGreaterThan(0.5, metrics.Accuracy);
    }

    private static AutoencoderEstimator Estimator(MLContext mlContext) => mlContext.Autoencoders.Autoencoder("Features", codeSize: 2, hiddenSizes: [], epochs: 1);

    private void Check(Exception e, params string[] fragments)
    {
        TestContext.WriteLine(e.Message);
        foreach (string fragment in fragments)
        {
            StringAssert.Contains(e.Message, fragment);
        }
    }

    /// <summary>No feature column.</summary>
    public sealed class NoFeatures
    {
        /// <summary>A number.</summary>
        public float A;
    }

    /// <summary>Features of the wrong item type.</summary>
    public sealed class DoubleFeatures
    {
        /// <summary>Doubles.</summary>
        [VectorType(3)]
        public double[] Features = [1, 2, 3];
    }

    /// <summary>Features of unknown size.</summary>
    public sealed class VariableFeatures
    {
        /// <summary>Variable-size floats.</summary>
        public float[] Features = [];
    }

    /// <summary>Features as text.</summary>
    public sealed class TextFeatures
    {
        /// <summary>Text.</summary>
        public string Features = "";
    }

    /// <summary>Three numeric columns and a label.</summary>
    public sealed class Tabular
    {
        /// <summary>A.</summary>
        public float A;

        /// <summary>B.</summary>
        public float B;

        /// <summary>C.</summary>
        public float C;

        /// <summary>The label.</summary>
        public bool Label;
    }
}
