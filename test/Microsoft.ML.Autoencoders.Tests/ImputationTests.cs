using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>Issue 17, item 4: the autoencoder imputer fills the missing values (NaN) and only those, on small seeded synthetic tables.</summary>
[TestClass]
public sealed class ImputationTests
{
    private const int Width = 8;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Transform_ObservedValues_PassThroughBitForBit()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] rows = Hide(Structured(300, seed: 1), 0.3, seed: 2);
        // Values a recomputation would not keep: negative zero, subnormals, the largest magnitudes training accepts.
        rows[0] = [-0f, float.Epsilon, float.NaN, 1e18f, -1e18f, 1.0000001f, float.NaN, -3.4e-38f];
        AutoencoderImputingTransformer imputer = Small(mlContext).Fit(View(mlContext, rows[1..]));

        float[][] filled = Read(imputer.Transform(View(mlContext, rows)), "Features");

        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                if (float.IsNaN(rows[r][c]))
                {
                    Assert.IsTrue(float.IsFinite(filled[r][c]), $"row {r}, slot {c} was missing and came out {filled[r][c]}");
                }
                else
                {
                    Assert.AreEqual(BitConverter.SingleToInt32Bits(rows[r][c]), BitConverter.SingleToInt32Bits(filled[r][c]), $"row {r}, slot {c}: {rows[r][c]} came out {filled[r][c]}");
                }
            }
        }
    }

    [TestMethod]
    public void Transform_StructuredTable_BeatsMeanImputation()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] train = Structured(2000, seed: 3), test = Structured(300, seed: 4);
        float[][] trainMissing = Hide(train, 0.3, seed: 5), testMissing = Hide(test, 0.3, seed: 6);
        IDataView testView = View(mlContext, testMissing);

        float[][] ours = Read(mlContext.Autoencoders.ImputeMissing(seed: 1).Fit(View(mlContext, trainMissing)).Transform(testView), "Features");
        float[][] mean = Read(mlContext.Transforms.ReplaceMissingValues("Features", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean)
            .Fit(View(mlContext, trainMissing)).Transform(testView), "Features");

        double oursRmse = Rmse(ours, test, testMissing), meanRmse = Rmse(mean, test, testMissing);
        TestContext.WriteLine($"RMSE on the hidden values: autoencoder {oursRmse:F4}, mean {meanRmse:F4}");
        Assert.IsTrue(oursRmse < 0.6 * meanRmse, $"autoencoder RMSE {oursRmse:F4} against the mean's {meanRmse:F4}");
    }

    [TestMethod]
    public void Transform_RowWithEverySlotMissing_FillsEverySlot()
    {
        var mlContext = new MLContext(seed: 1);
        AutoencoderImputingTransformer imputer = Small(mlContext).Fit(View(mlContext, Hide(Structured(300, seed: 1), 0.3, seed: 2)));
        float[] empty = Enumerable.Repeat(float.NaN, Width).ToArray();

        float[] filled = Read(imputer.Transform(View(mlContext, [empty])), "Features")[0];

        Assert.IsTrue(filled.All(float.IsFinite), string.Join(", ", filled));
    }

    [TestMethod]
    public void Fit_SlotNeverObserved_ThrowsNamingSlotAndColumn()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] rows = Hide(Structured(100, seed: 1), 0.2, seed: 2);
        foreach (float[] row in rows)
        {
            row[3] = float.NaN;
        }

        var e = Assert.ThrowsExactly<ArgumentException>(() => Small(mlContext).Fit(View(mlContext, rows)));

        StringAssert.Contains(e.Message, "Column \"Features\"");
        StringAssert.Contains(e.Message, "Feature 3");
        StringAssert.Contains(e.Message, "all 100 rows");
    }

    [TestMethod]
    public void Fit_Infinity_ThrowsNamingRowAndSlot()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] rows = Hide(Structured(100, seed: 1), 0.2, seed: 2);
        rows[42][5] = float.PositiveInfinity;

        var e = Assert.ThrowsExactly<ArgumentException>(() => Small(mlContext).Fit(View(mlContext, rows)));

        StringAssert.Contains(e.Message, "Row 42");
        StringAssert.Contains(e.Message, "index 5");
        StringAssert.Contains(e.Message, "infinity is an error");
    }

    [TestMethod]
    public void Transform_NamedOutput_KeepsTheInputColumn()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] rows = Hide(Structured(200, seed: 1), 0.3, seed: 2);
        var estimator = mlContext.Autoencoders.ImputeMissing("Filled", "Features", epochs: 5, seed: 1);
        IDataView view = View(mlContext, rows);

        IDataView output = estimator.Fit(view).Transform(view);

        Assert.IsTrue(estimator.GetOutputSchema(Shapes.Of<ShapeRow>(mlContext)).Any(c => c.Name == "Filled"));
        float[][] input = Read(output, "Features");
        Assert.IsTrue(input.Zip(rows).All(p => p.First.AsSpan().SequenceEqual(p.Second)), "the input column changed");
        Assert.IsFalse(Read(output, "Filled").Any(r => r.Any(float.IsNaN)));
    }

    [TestMethod]
    public void SaveModel_Imputer_LoadsWithIdenticalOutputs()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] rows = Hide(Structured(300, seed: 1), 0.3, seed: 2);
        var pipeline = mlContext.Transforms.CopyColumns("Original", "Features").Append(Small(mlContext));
        ITransformer model = pipeline.Fit(View(mlContext, rows));
        string path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"imputer-{Guid.NewGuid():N}.zip");

        mlContext.Autoencoders.SaveModel(model, View(mlContext, rows).Schema, path);
        var other = new MLContext();
        ITransformer loaded = other.Autoencoders.LoadModel(path, out _);

        float[][] expected = Read(model.Transform(View(mlContext, rows)), "Features");
        float[][] actual = Read(loaded.Transform(View(other, rows)), "Features");
        for (int r = 0; r < rows.Length; r++)
        {
            CollectionAssert.AreEqual(expected[r], actual[r], $"row {r}");
        }
    }

    [TestMethod]
    public void ModelSave_Imputer_ThrowsNamingSaveModel()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView view = View(mlContext, Hide(Structured(100, seed: 1), 0.3, seed: 2));
        AutoencoderImputingTransformer imputer = Small(mlContext).Fit(view);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => mlContext.Model.Save(imputer, view.Schema, new MemoryStream()));

        StringAssert.Contains(e.Message, "AutoencoderImputingTransformer");
        StringAssert.Contains(e.Message, "mlContext.Autoencoders.SaveModel");
    }

    [TestMethod]
    public void PredictionEngine_MatchesBatchedTransform()
    {
        var mlContext = new MLContext(seed: 1);
        float[][] rows = Hide(Structured(200, seed: 1), 0.3, seed: 2);
        AutoencoderImputingTransformer imputer = Small(mlContext).Fit(View(mlContext, rows));
        float[][] batched = Read(imputer.Transform(View(mlContext, rows)), "Features");
        var engine = mlContext.Model.CreatePredictionEngine<Row, Row>(imputer, inputSchemaDefinition: Definition(), outputSchemaDefinition: Definition());

        for (int r = 0; r < 50; r++)
        {
            CollectionAssert.AreEqual(batched[r], engine.Predict(new Row { Features = rows[r] }).Features, $"row {r}");
        }
    }

    [TestMethod]
    public void Options_ZeroIterations_ThrowsNamingIterations()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MLContext().Autoencoders.ImputeMissing(iterations: 0));
        Assert.AreEqual(nameof(AutoencoderImputingEstimator.Options.Iterations), e.ParamName);
    }

    private static AutoencoderImputingEstimator Small(MLContext mlContext) =>
        mlContext.Autoencoders.ImputeMissing(new AutoencoderImputingEstimator.Options { CodeSize = 4, EncoderHiddenSizes = [16], Epochs = 10, Seed = 1 });

    /// <summary>Rows of <see cref="Width"/> features driven by two latent factors, with a little noise: each feature follows from the others.</summary>
    private static float[][] Structured(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            return Enumerable.Range(0, Width).Select(c => (float)(3 * Math.Sin(c + 1) * a + 2 * Math.Cos(2 * c) * b + a * b * (c % 3) + 0.05 * (random.NextDouble() - 0.5) + c)).ToArray();
        }).ToArray();
    }

    private static float[][] Hide(float[][] rows, double fraction, int seed)
    {
        var random = new Random(seed);
        return rows.Select(r => r.Select(v => random.NextDouble() < fraction ? float.NaN : v).ToArray()).ToArray();
    }

    private static double Rmse(float[][] filled, float[][] truth, float[][] withMissing)
    {
        double sum = 0;
        int count = 0;
        for (int r = 0; r < truth.Length; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                if (float.IsNaN(withMissing[r][c]))
                {
                    sum += Math.Pow(filled[r][c] - truth[r][c], 2);
                    count++;
                }
            }
        }

        return Math.Sqrt(sum / count);
    }

    private static SchemaDefinition Definition()
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
        return definition;
    }

    private static IDataView View(MLContext mlContext, float[][] rows) =>
        mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = (float[])r.Clone() }).ToArray(), Definition());

    private static float[][] Read(IDataView view, string column) =>
        view.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();

    /// <summary>A row type for schema shapes.</summary>
    public sealed class ShapeRow
    {
        /// <summary>The features.</summary>
        [VectorType(Width)]
        public float[] Features = [];
    }

    /// <summary>One row.</summary>
    public sealed class Row
    {
        /// <summary>The features; NaN is missing.</summary>
        public float[] Features = [];
    }
}
