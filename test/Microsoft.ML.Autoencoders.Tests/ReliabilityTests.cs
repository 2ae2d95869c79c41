using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>Issue 7 at the ML.NET layer: bad input, cancellation, atomic saving, concurrency and determinism, on small synthetic data.</summary>
[TestClass]
public sealed class ReliabilityTests
{
    private const int Width = 8;

    public TestContext TestContext { get; set; } = null!;

    // ---- bad input ----

    [TestMethod]
    public void Fit_MissingColumn_NamesColumnAndListsTheInputs()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Small(mlContext).Fit(mlContext.Data.LoadFromEnumerable([new TextRow { Name = "a" }])));
        Assert.AreEqual("input", e.ParamName);
        StringAssert.Contains(e.Message, "no column \"Features\"");
        StringAssert.Contains(e.Message, "Name (String)");
    }

    [TestMethod]
    public void Fit_TextColumn_NamesTypeAndSuggestsFeaturizeText()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Small(mlContext, "Name").Fit(mlContext.Data.LoadFromEnumerable([new TextRow { Name = "a" }])));
        StringAssert.Contains(e.Message, "Column \"Name\" is String");
        StringAssert.Contains(e.Message, "known-size vector of Single");
        StringAssert.Contains(e.Message, "FeaturizeText");
    }

    [TestMethod]
    public void Fit_VariableSizeVector_SaysUnknownSize()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Small(mlContext).Fit(mlContext.Data.LoadFromEnumerable([new VariableRow { Features = [1, 2] }])));
        StringAssert.Contains(e.Message, "unknown (variable) size");
    }

    [TestMethod]
    public void Transform_WrongVectorSize_NamesBothSizes()
    {
        var mlContext = new MLContext(seed: 1);
        AutoencoderTransformer model = Small(mlContext).Fit(Data(mlContext, 64, seed: 1));
        IDataView narrow = mlContext.Data.LoadFromEnumerable([new NarrowRow()]);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(narrow));

        StringAssert.Contains(e.Message, "6 features per row");
        StringAssert.Contains(e.Message, $"trained on {Width} features per row");
    }

    [TestMethod]
    public void Fit_ZeroRows_SaysNoRows()
    {
        var mlContext = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Small(mlContext).Fit(mlContext.Data.LoadFromEnumerable(Array.Empty<Row>())));
        StringAssert.Contains(e.Message, "training data has no rows");
    }

    [TestMethod]
    public void Fit_SingleRow_TrainsToReconstructIt()
    {
        var mlContext = new MLContext(seed: 1);
        Row row = Rows(1, seed: 2)[0];
        IDataView one = mlContext.Data.LoadFromEnumerable([row]);

        AutoencoderTransformer model = Small(mlContext, epochs: 200).Fit(one);

        float score = Columns.Read<float>(model.Transform(one), "Score").Single();
        double zeroError = row.Features.Average(v => (double)v * v);
        TestContext.WriteLine($"one row: score {score:G4}, threshold {model.Threshold:G4}, predicting zeros {zeroError:G4}");
        Assert.AreEqual(score, model.Threshold, "the threshold is a quantile of the one training score");
        Assert.IsLessThan(0.01 * zeroError, score, "the network rebuilds the one row it trained on");
    }

    [TestMethod]
    public void Fit_AllConstantFeatures_TrainsToNearZeroError()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView constant = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(_ => new Row { Features = [1, 1, 1, 1, 2, 2, 2, 2] }));

        AutoencoderTransformer model = Small(mlContext, epochs: 200).Fit(constant);

        float[] scores = Columns.Read<float>(model.Transform(constant), "Score");
        TestContext.WriteLine($"constant rows: largest score {scores.Max():G4}, first epoch's loss {model.TrainingHistory[0].TrainingLoss:G4}");
        Assert.IsLessThan(1e-2f, scores.Max(), "every row is the same, so the output bias alone can rebuild it (zeros would score 2.5)");
    }

    [TestMethod]
    public void Fit_NonFiniteRow_FailsNamingRowIndexAndColumn_OrIsSkippedAndCounted()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var mlContext = new MLContext(seed: 1);
            var messages = new List<string>();
            mlContext.Log += (_, e) => { lock (messages) { messages.Add(e.Message); } };
            Row[] rows = Rows(50, seed: 3);
            rows[17].Features[5] = bad;
            rows[33].Features[0] = bad;
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);

            var error = Assert.ThrowsExactly<ArgumentException>(() => Small(mlContext).Fit(data));
            StringAssert.Contains(error.Message, $"Row 17 of the training data has {bad} at index 5 of column \"Features\"");
            StringAssert.Contains(error.Message, "SkipNonFiniteRows");

            var options = SmallOptions();
            options.SkipNonFiniteRows = true;
            AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);
            Assert.IsLessThan(model.TrainingHistory[0].TrainingLoss, model.TrainingHistory[^1].TrainingLoss, "trained on the other rows");
            Assert.IsTrue(messages.Any(m => m.Contains("Skipped 2 training rows") && m.Contains("trained on the other 48")), string.Join("\n", messages));
        }
    }

    [TestMethod]
    public void Fit_ValueOf1e30_FailsNamingRowAndSuggestingNormalization()
    {
        var mlContext = new MLContext(seed: 1);
        Row[] rows = Rows(30, seed: 4);
        rows[9].Features[2] = 1e30f;

        var error = Assert.ThrowsExactly<ArgumentException>(() => Small(mlContext).Fit(mlContext.Data.LoadFromEnumerable(rows)));

        StringAssert.Contains(error.Message, "Row 9 of the training data has 1E+30 at index 2 of column \"Features\"");
        StringAssert.Contains(error.Message, "NormalizeMeanVariance");
    }

    [TestMethod]
    public void Transform_ValueOf1e30_ScoresAsAnAnomalyWithoutThrowing()
    {
        var mlContext = new MLContext(seed: 1);
        AutoencoderTransformer model = Small(mlContext).Fit(Data(mlContext, 64, seed: 5));
        Row[] rows = Rows(3, seed: 6);
        rows[1].Features[3] = 1e30f;

        IDataView scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows));

        float[] scores = Columns.Read<float>(scored, "Score");
        bool[] flags = Columns.Read<bool>(scored, "PredictedLabel");
        Assert.IsTrue(float.IsPositiveInfinity(scores[1]) || scores[1] > 1e30f, $"score {scores[1]}");
        Assert.IsTrue(flags[1]);
    }

    [TestMethod]
    public void Fit_ValidationSchemaDiffers_NamesTheValidationData()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView training = Data(mlContext, 32, seed: 7);

        var size = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Small(mlContext).Fit(training, mlContext.Data.LoadFromEnumerable([new NarrowRow()])));
        Assert.AreEqual("validationData", size.ParamName);
        StringAssert.Contains(size.Message, "6 features per row");
        StringAssert.Contains(size.Message, $"{Width} features per row");

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Small(mlContext).Fit(training, mlContext.Data.LoadFromEnumerable([new TextRow { Name = "x" }])));
        Assert.AreEqual("validationData", missing.ParamName);
        StringAssert.Contains(missing.Message, "no column \"Features\"");

        var type = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Small(mlContext).Fit(training, mlContext.Data.LoadFromEnumerable([new DoubleRow()])));
        Assert.AreEqual("validationData", type.ParamName);
        StringAssert.Contains(type.Message, "Vector<Double, 8>");
    }

    [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheOption()
    {
        var mlContext = new MLContext(seed: 1);
        (Action<AutoencoderEstimator.Options> Set, string Name)[] cases =
        [
            (o => o.Epochs = -1, "Epochs"),
            (o => o.BatchSize = 0, "BatchSize"),
            (o => o.LearningRate = float.NaN, "LearningRate"),
            (o => o.Contamination = 0f, "Contamination"),
            (o => o.Contamination = -0.1f, "Contamination"),
            (o => o.Contamination = 0.51f, "Contamination"),
            (o => o.Contamination = float.NaN, "Contamination"),
            (o => o.CodeSize = -4, "CodeSize"),
            (o => o.EncoderHiddenSizes = [16, 0], "EncoderHiddenSizes"),
            (o => o.ValidationFraction = 1f, "ValidationFraction"),
            (o => o.FalsePositiveRate = 1.5f, "FalsePositiveRate"),
        ];
        foreach ((Action<AutoencoderEstimator.Options> set, string name) in cases)
        {
            var options = SmallOptions();
            set(options);
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(options), name);
            Assert.AreEqual(name, e.ParamName);
            StringAssert.Contains(e.Message, name);
        }

        var edge = SmallOptions();
        edge.Contamination = 0.5f;
        IDataView data = Data(mlContext, 64, seed: 9);
        bool[] flags = Columns.Read<bool>(mlContext.Autoencoders.Autoencoder(edge).Fit(data).Transform(data), "PredictedLabel");
        Assert.AreEqual(32, flags.Count(f => f), 1, "the largest contamination, 0.5, puts the threshold at the median training score");
    }

    [TestMethod]
    public void Fit_CodeLargerThanInput_ThrowsNamingBothSizes()
    {
        var mlContext = new MLContext(seed: 1);
        var options = SmallOptions();
        options.CodeSize = Width + 1;

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.Autoencoders.Autoencoder(options).Fit(Data(mlContext, 16, seed: 8)));

        Assert.AreEqual("CodeSize", e.ParamName);
        StringAssert.Contains(e.Message, $"CodeSize is {Width + 1}, larger than the {Width} features per row of column \"Features\"");
    }

    // ---- divergence ----

    [TestMethod]
    public void Fit_BlowUpLearningRate_WarnsWithAdviceAndScoresStayFinite()
    {
        var mlContext = new MLContext(seed: 1);
        var warnings = new List<string>();
        mlContext.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning)
            {
                lock (warnings)
                {
                    warnings.Add(e.Message);
                }
            }
        };
        IDataView data = Data(mlContext, 64, seed: 16);
        var options = SmallOptions();
        options.Optimizer = Optimizer.Sgd;
        options.LearningRate = 1e12f;
        options.BatchSize = 64;

        AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);

        Assert.IsTrue(warnings.Any(w => w.Contains("diverged") && w.Contains("LearningRate")), string.Join("\n", warnings));
        Assert.IsTrue(float.IsFinite(model.Threshold));
        Assert.IsTrue(Columns.Read<float>(model.Transform(data), "Score").All(float.IsFinite));
    }

    // ---- cancellation and atomic saving ----

    [TestMethod]
    public void Fit_CancelledToken_StopsWithinABatchAndReturnsNothing()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = Data(mlContext, 64, seed: 9);
        Assert.ThrowsExactly<OperationCanceledException>(() => Small(mlContext).Fit(data, null, new CancellationToken(canceled: true)));

        // Cancel from the log line of epoch 1: the next batch (the first of epoch 2, one batch per epoch here) must not run.
        using var cancellation = new CancellationTokenSource();
        var epochLines = new List<string>();
        mlContext.Log += (_, e) =>
        {
            if (e.Message.Contains("training loss"))
            {
                lock (epochLines)
                {
                    epochLines.Add(e.Message);
                }

                cancellation.Cancel();
            }
        };
        var options = SmallOptions();
        options.Epochs = 50;
        options.BatchSize = 64;
        Assert.ThrowsExactly<OperationCanceledException>(() => mlContext.Autoencoders.Autoencoder(options).Fit(data, null, cancellation.Token));
        Assert.HasCount(1, epochLines, string.Join("\n", epochLines));
    }

    [TestMethod]
    public void SaveModel_OverwrittenWhileLoading_EveryLoadSeesAWholeFile()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = Data(mlContext, 64, seed: 10);
        AutoencoderTransformer a = Small(mlContext).Fit(data);
        AutoencoderTransformer b = a.WithThreshold(a.Threshold * 2);
        string directory = Directory.CreateTempSubdirectory("ae-pipeline-").FullName;
        string path = Path.Combine(directory, "pipeline.zip");
        try
        {
            mlContext.Autoencoders.SaveModel(a, data.Schema, path);
            Exception? failure = null;
            int loads = 0;
            using var done = new CancellationTokenSource();
            var reader = new Thread(() =>
            {
                try
                {
                    var readerContext = new MLContext();
                    while (!done.IsCancellationRequested)
                    {
                        var loaded = (AutoencoderTransformer)readerContext.Autoencoders.LoadModel(path, out _);
                        Assert.IsTrue(loaded.Threshold == a.Threshold || loaded.Threshold == b.Threshold);
                        loads++;
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            reader.Start();
            for (int i = 0; i < 30 && failure == null; i++)
            {
                mlContext.Autoencoders.SaveModel(i % 2 == 0 ? b : a, data.Schema, path);
            }

            done.Cancel();
            reader.Join();
            Assert.IsNull(failure, failure?.ToString());
            TestContext.WriteLine($"30 pipeline overwrites, {loads} concurrent loads, none saw a partial file");
            CollectionAssert.AreEqual(new[] { "pipeline.zip" }, Directory.GetFiles(directory).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // ---- concurrency and determinism ----

    [TestMethod]
    public void Transform_EightThreadsHundredThousandRowsEach_IdenticalToOneThread()
    {
        const int threads = 8, rows = 100_000;
        var mlContext = new MLContext(seed: 1);
        AutoencoderTransformer model = Small(mlContext).Fit(Data(mlContext, 256, seed: 11));
        IDataView scored = model.Transform(Data(mlContext, rows, seed: 12));
        (float[] scores, float[] codes) = Read(scored, rows);

        var results = new (float[] Scores, float[] Codes)[threads];
        var clock = Stopwatch.StartNew();
        using var start = new Barrier(threads);
        Thread[] workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            results[t] = Read(scored, rows);
        })).ToArray();
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        TestContext.WriteLine($"{threads} threads x {rows} rows through one transformer in {clock.Elapsed.TotalSeconds:F2} s");
        for (int t = 0; t < threads; t++)
        {
            Assert.IsTrue(scores.AsSpan().SequenceEqual(results[t].Scores), $"thread {t}: scores differ");
            Assert.IsTrue(codes.AsSpan().SequenceEqual(results[t].Codes), $"thread {t}: codes differ");
        }
    }

    [TestMethod]
    public void PredictionEngines_EightAtOnce_MatchTheBatchedTransform()
    {
        const int threads = 8, rows = 5_000;
        var mlContext = new MLContext(seed: 1);
        AutoencoderTransformer model = Small(mlContext).Fit(Data(mlContext, 256, seed: 13));
        Row[] input = Rows(rows, seed: 14);
        (float[] scores, float[] codes) = Read(model.Transform(mlContext.Data.LoadFromEnumerable(input)), rows);

        var failures = new List<string>();
        using var start = new Barrier(threads);
        Thread[] workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            using PredictionEngine<Row, Prediction> engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(model);
            start.SignalAndWait();
            for (int r = 0; r < rows; r++)
            {
                Prediction p = engine.Predict(input[(r + t * 613) % rows]);
                int row = (r + t * 613) % rows;
                if (p.Score != scores[row] || !p.Encoded.AsSpan().SequenceEqual(codes.AsSpan(row * 4, 4)))
                {
                    lock (failures)
                    {
                        failures.Add($"engine {t}, row {row}: {p.Score} vs {scores[row]}");
                    }

                    return;
                }
            }
        })).ToArray();
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void Fit_SameContextSeedTwice_BitIdenticalOutputs()
    {
        List<int> Run()
        {
            var mlContext = new MLContext(seed: 3);
            IDataView data = Data(mlContext, 200, seed: 15);
            var options = SmallOptions();
            options.Seed = null; // drawn from the context's seed
            options.ValidationFraction = 0.2f;
            AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(data);
            return OutputBits.Of(model.Transform(data), "Encoded", "Reconstruction", "Score", "PredictedLabel");
        }

        CollectionAssert.AreEqual(Run(), Run());
    }

    private static (float[] Scores, float[] Codes) Read(IDataView scored, int rows)
    {
        var scores = new float[rows];
        var codes = new float[rows * 4];
        DataViewSchema.Column scoreColumn = scored.Schema["Score"], codeColumn = scored.Schema["Encoded"];
        using DataViewRowCursor cursor = scored.GetRowCursor([scoreColumn, codeColumn]);
        ValueGetter<float> score = cursor.GetGetter<float>(scoreColumn);
        ValueGetter<VBuffer<float>> code = cursor.GetGetter<VBuffer<float>>(codeColumn);
        VBuffer<float> buffer = default;
        int r = 0;
        while (cursor.MoveNext())
        {
            score(ref scores[r]);
            code(ref buffer);
            buffer.CopyTo(codes.AsSpan(r * 4, 4));
            r++;
        }

        Assert.AreEqual(rows, r);
        return (scores, codes);
    }

    private static AutoencoderEstimator.Options SmallOptions() => new()
    {
        CodeSize = 4,
        EncoderHiddenSizes = [6],
        Epochs = 5,
        BatchSize = 32,
        LearningRate = 1e-2f,
        Seed = 1,
    };

    private static AutoencoderEstimator Small(MLContext mlContext, string column = "Features", int epochs = 5)
    {
        var options = SmallOptions();
        options.FeatureColumnName = column;
        options.Epochs = epochs;
        return mlContext.Autoencoders.Autoencoder(options);
    }

    private static IDataView Data(MLContext mlContext, int rows, int seed) => mlContext.Data.LoadFromEnumerable(Rows(rows, seed));

    private static Row[] Rows(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => new Row { Features = Enumerable.Range(0, Width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray() }).ToArray();
    }

    /// <summary>Eight features.</summary>
    public sealed class Row
    {
        /// <summary>The features.</summary>
        [VectorType(Width)]
        public float[] Features { get; set; } = new float[Width];
    }

    /// <summary>A prediction.</summary>
    public sealed class Prediction
    {
        /// <summary>The score.</summary>
        public float Score { get; set; }

        /// <summary>The code.</summary>
        [VectorType(4)]
        public float[] Encoded { get; set; } = [];
    }

    /// <summary>Six features: the wrong size.</summary>
    public sealed class NarrowRow
    {
        /// <summary>The features.</summary>
        [VectorType(6)]
        public float[] Features { get; set; } = new float[6];
    }

    /// <summary>Doubles: the wrong item type.</summary>
    public sealed class DoubleRow
    {
        /// <summary>The features.</summary>
        [VectorType(Width)]
        public double[] Features { get; set; } = new double[Width];
    }

    /// <summary>A vector of unknown size.</summary>
    public sealed class VariableRow
    {
        /// <summary>The features.</summary>
        public float[] Features { get; set; } = [];
    }

    /// <summary>No features, only text.</summary>
    public sealed class TextRow
    {
        /// <summary>A name.</summary>
        public string Name { get; set; } = "";
    }
}
