using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

[TestClass]
public sealed class TransformTests
{
    [TestMethod]
    public void Transform_OutputColumns_HaveDocumentedTypesAndScoreIsMeanSquaredError()
    {
        var mlContext = new MLContext();
        AutoencoderTransformer model = SharedModel.Transformer;
        IDataView output = model.Transform(mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 20)));

        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 16), output.Schema["Encoded"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 784), output.Schema["Reconstruction"].Type);
        Assert.AreEqual(NumberDataViewType.Single, output.Schema["Score"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, output.Schema["PredictedLabel"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 784), output.Schema["FeatureErrors"].Type);
        float[][] features = Columns.ReadVectors(output, "Features");
        float[][] reconstructions = Columns.ReadVectors(output, "Reconstruction");
        float[] scores = Columns.Read<float>(output, "Score");
        bool[] labels = Columns.Read<bool>(output, "PredictedLabel");
        for (int i = 0; i < scores.Length; i++)
        {
            double mse = features[i].Zip(reconstructions[i], (x, y) => (double)(x - y) * (x - y)).Average();
            Assert.AreEqual(mse, scores[i], 1e-5 * mse + 1e-7);
            Assert.AreEqual(scores[i] > model.Threshold, labels[i]);
        }
    }

    [TestMethod]
    public void Transform_MatchesEngineEncodeOnSameRows()
    {
        var mlContext = new MLContext();
        AutoencoderTransformer model = SharedModel.Transformer;
        ImageRow[] rows = FashionMnist.ReadRows("t10k", 1100);
        float[] inputs = rows.SelectMany(r => r.Features).ToArray();
        float[] codes = new float[rows.Length * 16];
        model.Model.Encode(inputs, codes);

        float[][] encoded = Columns.ReadVectors(model.Transform(mlContext.Data.LoadFromEnumerable(rows)), "Encoded");

        CollectionAssert.AreEqual(codes, encoded.SelectMany(c => c).ToArray());
    }

    [TestMethod]
    public void CreatePredictionEngine_RowByRow_MatchesBatchedTransform()
    {
        var mlContext = new MLContext();
        AutoencoderTransformer model = SharedModel.Transformer;
        ImageRow[] rows = FashionMnist.ReadRows("t10k", 30);
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        ITransformer chain = mlContext.Transforms.CopyColumns("Pixels", "Features").Fit(data).Append(model);
        float[] expected = Columns.Read<float>(chain.Transform(data), "Score");
        float[][] expectedCodes = Columns.ReadVectors(chain.Transform(data), "Encoded");

        var engine = mlContext.Model.CreatePredictionEngine<ImageRow, Prediction>(chain);
        for (int i = 0; i < rows.Length; i++)
        {
            Prediction prediction = engine.Predict(rows[i]);
            Assert.AreEqual(expected[i], prediction.Score, $"row {i}");
            CollectionAssert.AreEqual(expectedCodes[i], prediction.Encoded, $"row {i}");
            Assert.AreEqual(prediction.Score > model.Threshold, prediction.PredictedLabel);
            Assert.AreEqual(rows[i].Id, prediction.Id);
        }
    }

    [TestMethod]
    public void GetRowCursorSet_ParallelCursors_SameRowsAsOneCursor()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.Cache(mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 3000)));
        IDataView output = SharedModel.Transformer.Transform(data);
        var columns = new[] { output.Schema["Id"], output.Schema["Score"], output.Schema["Encoded"] };
        Dictionary<uint, (float Score, float[] Code)> single = ReadById(output.GetRowCursor(columns));

        DataViewRowCursor[] cursors = output.GetRowCursorSet(columns, 4);
        var parts = new Dictionary<uint, (float Score, float[] Code)>[cursors.Length];
        Parallel.For(0, cursors.Length, i => parts[i] = ReadById(cursors[i]));

        Assert.IsGreaterThan(1, cursors.Length, "the cache should hand out several cursors");
        var merged = parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value);
        Assert.HasCount(3000, merged);
        foreach ((uint id, (float score, float[] code)) in single)
        {
            Assert.AreEqual(score, merged[id].Score, $"row {id}");
            CollectionAssert.AreEqual(code, merged[id].Code, $"row {id}");
        }
    }

    [TestMethod]
    public void GetRowCursor_Shuffled_PassthroughColumnsStayWithTheirRows()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.Cache(mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 1500)));
        IDataView output = SharedModel.Transformer.Transform(data);
        var columns = new[] { output.Schema["Id"], output.Schema["Score"], output.Schema["Encoded"] };
        Dictionary<uint, (float Score, float[] Code)> ordered = ReadById(output.GetRowCursor(columns));

        var ids = new List<uint>();
        using (DataViewRowCursor cursor = output.GetRowCursor(columns, new Random(3)))
        {
            ValueGetter<uint> id = cursor.GetGetter<uint>(output.Schema["Id"]);
            ValueGetter<float> score = cursor.GetGetter<float>(output.Schema["Score"]);
            uint i = 0;
            float s = 0;
            while (cursor.MoveNext())
            {
                id(ref i);
                score(ref s);
                ids.Add(i);
                Assert.AreEqual(ordered[i].Score, s, $"row {i}");
            }
        }

        Assert.HasCount(1500, ids);
        CollectionAssert.AreNotEqual(ids.Order().ToList(), ids, "the rows should come shuffled");
    }

    [TestMethod]
    public void FilterRows_BeforeAndAfterTransform_ScoresMatchUnfiltered()
    {
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("t10k", 1200));
        AutoencoderTransformer model = SharedModel.Transformer;
        Dictionary<uint, (float Score, float[] Code)> all = ReadById(model.Transform(data).GetRowCursor(model.Transform(data).Schema));

        IDataView before = model.Transform(mlContext.Data.FilterRowsByColumn(data, "Class", lowerBound: 2, upperBound: 5));
        IDataView after = mlContext.Data.FilterRowsByColumn(model.Transform(data), "Score", lowerBound: 0, upperBound: model.Threshold);

        Dictionary<uint, (float Score, float[] Code)> filteredBefore = ReadById(before.GetRowCursor(before.Schema));
        Dictionary<uint, (float Score, float[] Code)> filteredAfter = ReadById(after.GetRowCursor(after.Schema));
        Assert.AreEqual(FashionMnist.ReadRows("t10k", 1200).Count(r => r.Class is >= 2 and < 5), filteredBefore.Count);
        Assert.AreEqual(all.Count(p => p.Value.Score < model.Threshold), filteredAfter.Count);
        foreach ((uint id, (float score, float[] code)) in filteredBefore.Concat(filteredAfter))
        {
            Assert.AreEqual(all[id].Score, score, $"row {id}");
            CollectionAssert.AreEqual(all[id].Code, code, $"row {id}");
        }
    }

    [TestMethod]
    public void Transform_OutputColumnSwitchedOff_IsNotInSchema()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows("train", 200));
        var options = new AutoencoderEstimator.Options { CodeSize = 4, EncoderHiddenSizes = [], Epochs = 1, ReconstructionColumnName = null, FeatureErrorsColumnName = "", EncodedColumnName = "Code" };
        AutoencoderEstimator estimator = mlContext.Autoencoders.Autoencoder(options);

        IDataView output = estimator.Fit(data).Transform(data);
        SchemaShape shape = estimator.GetOutputSchema(Shapes.Of<ImageRow>(mlContext));

        string[] expected = ["Id", "Class", "Label", "Features", "Code", "Score", "PredictedLabel"];
        CollectionAssert.AreEqual(expected, output.Schema.Select(c => c.Name).ToArray());
        CollectionAssert.AreEquivalent(expected, shape.Select(c => c.Name).ToArray());
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "Code").Kind);
        Assert.AreEqual(BooleanDataViewType.Instance, shape.Single(c => c.Name == "PredictedLabel").ItemType);
    }

    [TestMethod]
    public void Constructor_EveryOutputColumnSwitchedOff_ThrowsNamingTheOptions()
    {
        var mlContext = new MLContext(seed: 1);
        var options = new AutoencoderEstimator.Options { EncodedColumnName = null, ReconstructionColumnName = "", ScoreColumnName = null, PredictedLabelColumnName = null, FeatureErrorsColumnName = null };
        var vaeOptions = new VaeEstimator.Options { EncodedColumnName = null, ReconstructionColumnName = null, ScoreColumnName = null, PredictedLabelColumnName = null, FeatureErrorsColumnName = null };
        var columns = new AutoencoderColumns { EncodedColumnName = null, ReconstructionColumnName = null, ScoreColumnName = "", PredictedLabelColumnName = null, FeatureErrorsColumnName = null };

        ArgumentException[] errors =
        [
            Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Autoencoder(options)),
            Assert.ThrowsExactly<ArgumentException>(() => mlContext.Autoencoders.Vae(vaeOptions)),
            Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTransformer(SharedModel.Transformer.Model, 0f, columns)),
        ];

        foreach (ArgumentException error in errors)
        {
            foreach (string name in new[] { "EncodedColumnName", "ReconstructionColumnName", "ScoreColumnName", "PredictedLabelColumnName", "FeatureErrorsColumnName" })
            {
                StringAssert.Contains(error.Message, name);
            }

            StringAssert.Contains(error.Message, "at least one");
        }
    }

    private static Dictionary<uint, (float Score, float[] Code)> ReadById(DataViewRowCursor cursor)
    {
        var result = new Dictionary<uint, (float, float[])>();
        using (cursor)
        {
            ValueGetter<uint> id = cursor.GetGetter<uint>(cursor.Schema["Id"]);
            ValueGetter<float> score = cursor.GetGetter<float>(cursor.Schema["Score"]);
            ValueGetter<VBuffer<float>> code = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Encoded"]);
            uint i = 0;
            float s = 0;
            VBuffer<float> c = default;
            while (cursor.MoveNext())
            {
                id(ref i);
                score(ref s);
                code(ref c);
                result.Add(i, (s, c.DenseValues().ToArray()));
            }
        }

        return result;
    }

    /// <summary>What the prediction engine returns.</summary>
    public sealed class Prediction
    {
        /// <summary>Passed through.</summary>
        public uint Id;

        /// <summary>The code.</summary>
        public float[] Encoded = [];

        /// <summary>The score.</summary>
        public float Score;

        /// <summary>Anomaly or not.</summary>
        public bool PredictedLabel;
    }
}
