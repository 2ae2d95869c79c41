using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Autoencoders.Benchmarks.MLNet;

/// <summary>
/// Imputation quality: on Fashion-MNIST and on two real tables from R's mlbench (BostonHousing, Vehicle), 30% of the values of held-out
/// rows are hidden on purpose (missing completely at random), and each imputer fills them; RMSE over the hidden values only. The training
/// rows have the same share of values missing, so every imputer learns from incomplete rows. Systems: ML.NET's
/// <c>ReplaceMissingValues</c> (the slot's mean), <c>mlContext.Autoencoders.ImputeMissing</c>, and scikit-learn's <c>KNNImputer</c>
/// (5 neighbours, run by /usr/bin/python3 in the same run). Tables are standardized by their training rows, so RMSE is in standard
/// deviations; pixels stay in [0, 1]. The last line is <c>impute_rmse_ratio_vs_mean=</c> the largest, over the sets, of the autoencoder's
/// RMSE over the mean's. Options: --sets (comma-separated, default all three), --missing and --train-missing (fractions, 0.3),
/// --fashion-train and --fashion-test (10,000 and 2,000 images), --no-peer (skip k-NN), --python; and, to try other imputer settings
/// than the defaults, --code, --hidden (e.g. 128 or 128x64), --masking, --iterations, --epochs, --dropout, --decay.
/// </summary>
internal static class ImputationBenchmark
{
    private const int Seed = 17;

    public static int Run(string[] args)
    {
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        string data = Option(args, "--data") ?? Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? "/usr/share/datasets/fashion-mnist";
        int fashionTrain = int.Parse(Option(args, "--fashion-train") ?? "10000", CultureInfo.InvariantCulture);
        int fashionTest = int.Parse(Option(args, "--fashion-test") ?? "2000", CultureInfo.InvariantCulture);
        float missing = float.Parse(Option(args, "--missing") ?? "0.3", CultureInfo.InvariantCulture);
        float trainMissing = float.Parse(Option(args, "--train-missing") ?? Option(args, "--missing") ?? "0.3", CultureInfo.InvariantCulture);
        string[] only = Option(args, "--sets")?.Split(',') ?? ["fashion-mnist", "BostonHousing", "Vehicle"];
        bool peer = Option(args, "--no-peer") == null;

        Console.WriteLine($"Imputation: {missing:P0} of the values of held-out rows hidden at random, {trainMissing:P0} of the training rows' values missing; RMSE over the hidden values. {Environment.ProcessorCount} cores.");
        var results = new List<(string Set, double Mean, double Ours, double? Knn, double OursSeconds, double? KnnSeconds)>();
        string work = Directory.CreateTempSubdirectory("impute-bench-").FullName;
        try
        {
            foreach (string set in only)
            {
                (float[] train, float[] test, int columns) = set switch
                {
                    "fashion-mnist" => Fashion(data, fashionTrain, fashionTest),
                    _ => Table(set, work),
                };
                var random = new Random(Seed);
                float[] trainMissingValues = Hide(train, trainMissing, random, out _);
                float[] testMissingValues = Hide(test, missing, random, out bool[] hidden);
                int trainRows = train.Length / columns, testRows = test.Length / columns;
                Console.WriteLine($"{set}: {trainRows} training rows, {testRows} held-out rows, {columns} features; {hidden.Count(h => h)} values hidden.");

                var mlContext = new MLContext(seed: 1);
                IDataView trainView = View(mlContext, trainMissingValues, columns);
                IDataView testView = View(mlContext, testMissingValues, columns);

                float[] meanFilled = Read(mlContext.Transforms.ReplaceMissingValues("Features", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean)
                    .Fit(trainView).Transform(testView), columns);
                double meanRmse = Rmse(meanFilled, test, hidden);

                var clock = Stopwatch.StartNew();
                var options = new AutoencoderImputingEstimator.Options { Seed = 1 };
                if (Option(args, "--code") is string code) options.CodeSize = int.Parse(code, CultureInfo.InvariantCulture);
                if (Option(args, "--hidden") is string hiddenSizes) options.EncoderHiddenSizes = hiddenSizes.Split('x').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray();
                if (Option(args, "--masking") is string masking) options.MaskingFraction = float.Parse(masking, CultureInfo.InvariantCulture);
                if (Option(args, "--iterations") is string iterations) options.Iterations = int.Parse(iterations, CultureInfo.InvariantCulture);
                if (Option(args, "--epochs") is string epochs) options.Epochs = int.Parse(epochs, CultureInfo.InvariantCulture);
                if (Option(args, "--dropout") is string dropout) options.DropoutRate = float.Parse(dropout, CultureInfo.InvariantCulture);
                if (Option(args, "--decay") is string decay) options.WeightDecay = float.Parse(decay, CultureInfo.InvariantCulture);
                AutoencoderImputingTransformer imputer = mlContext.Autoencoders.ImputeMissing(options).Fit(trainView);
                float[] oursFilled = Read(imputer.Transform(testView), columns);
                double oursSeconds = clock.Elapsed.TotalSeconds;
                double oursRmse = Rmse(oursFilled, test, hidden);
                CheckPassThrough(oursFilled, testMissingValues, set);

                double? knnRmse = null, knnSeconds = null;
                if (peer)
                {
                    (float[]? knnFilled, double? seconds) = Knn(python, work, trainMissingValues, testMissingValues, columns);
                    knnRmse = knnFilled == null ? null : Rmse(knnFilled, test, hidden);
                    knnSeconds = seconds;
                }

                Console.WriteLine($"  mean {meanRmse:F4}, autoencoder {oursRmse:F4} ({imputer.Imputer.Model.Architecture}, {imputer.TrainingHistory.Count} epochs, {oursSeconds:F1} s), k-NN {(knnRmse is double k ? $"{k:F4} ({knnSeconds:F1} s)" : "not run")}");
                results.Add((set, meanRmse, oursRmse, knnRmse, oursSeconds, knnSeconds));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| set | mean (ML.NET ReplaceMissingValues) | autoencoder (ImputeMissing) | k-NN (scikit-learn KNNImputer, k = 5) | autoencoder / mean | autoencoder / k-NN |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in results)
        {
            Console.WriteLine($"| {r.Set} | {r.Mean:F4} | {r.Ours:F4} | {(r.Knn is double k ? k.ToString("F4", CultureInfo.InvariantCulture) : "-")} | {r.Ours / r.Mean:F3} | {(r.Knn is double k2 ? (r.Ours / k2).ToString("F3", CultureInfo.InvariantCulture) : "-")} |");
        }

        if (results.All(r => r.Knn != null))
        {
            Console.WriteLine($"impute_rmse_ratio_vs_knn={results.Max(r => r.Ours / r.Knn!.Value).ToString("F3", CultureInfo.InvariantCulture)}");
        }

        double worst = results.Max(r => r.Ours / r.Mean);
        Console.WriteLine($"impute_rmse_ratio_vs_mean={worst.ToString("F3", CultureInfo.InvariantCulture)}");
        return worst < 1 ? 0 : 1;
    }

    /// <summary>Fashion-MNIST pixels in [0, 1]: the first rows of the training file, and the first rows of the test file held out.</summary>
    private static (float[] Train, float[] Test, int Columns) Fashion(string folder, int trainRows, int testRows)
    {
        FeatureMatrix train = FashionMnist.Read("train", trainRows, folder).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", testRows, folder).Images;
        return (train.Values.ToArray(), test.Values.ToArray(), train.ColumnCount);
    }

    /// <summary>
    /// An mlbench table's numeric columns, exported by Rscript; 80% of the rows (a seeded shuffle) train, the rest are held out, and every
    /// column is standardized by the training rows' mean and standard deviation.
    /// </summary>
    private static (float[] Train, float[] Test, int Columns) Table(string name, string work)
    {
        string csv = Path.Combine(work, name + ".csv");
        string script = $"suppressMessages(library(mlbench)); data({name}); d <- {name}; " +
            "for (c in names(d)) if (is.factor(d[[c]])) { if (nlevels(d[[c]]) == 2) d[[c]] <- as.numeric(as.character(d[[c]])) else d[[c]] <- NULL }; " +
            $"write.csv(d, '{csv}', row.names = FALSE)";
        var start = new ProcessStartInfo("Rscript") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(script);
        using (Process process = Process.Start(start) ?? throw new InvalidOperationException("Rscript did not start; install r-base-core and r-cran-mlbench (.ci/run does)."))
        {
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Rscript could not export mlbench's {name} (exit code {process.ExitCode}): {error}. Install r-cran-mlbench (.ci/run does).");
            }
        }

        string[] lines = File.ReadAllLines(csv);
        int columns = lines[0].Split(',').Length;
        float[][] rows = lines.Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        int[] order = Enumerable.Range(0, rows.Length).ToArray();
        new Random(Seed).Shuffle(order);
        int trainCount = (int)(rows.Length * 0.8);
        float[][] train = order[..trainCount].Select(i => rows[i]).ToArray();
        float[][] test = order[trainCount..].Select(i => rows[i]).ToArray();
        for (int c = 0; c < columns; c++)
        {
            double mean = train.Average(r => r[c]);
            double sd = Math.Sqrt(train.Average(r => (r[c] - mean) * (r[c] - mean)));
            sd = sd > 0 ? sd : 1;
            foreach (float[] row in train.Concat(test))
            {
                row[c] = (float)((row[c] - mean) / sd);
            }
        }

        return (train.SelectMany(r => r).ToArray(), test.SelectMany(r => r).ToArray(), columns);
    }

    /// <summary>A copy of <paramref name="values"/> with each value set to NaN with probability <paramref name="fraction"/>.</summary>
    private static float[] Hide(float[] values, float fraction, Random random, out bool[] hidden)
    {
        float[] copy = (float[])values.Clone();
        hidden = new bool[values.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            if (random.NextDouble() < fraction)
            {
                copy[i] = float.NaN;
                hidden[i] = true;
            }
        }

        return copy;
    }

    private static IDataView View(MLContext mlContext, float[] values, int columns)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, columns);
        return mlContext.Data.LoadFromEnumerable(values.Chunk(columns).Select(r => new Row { Features = r }).ToArray(), schema);
    }

    private static float[] Read(IDataView view, int columns)
    {
        var values = new List<float>();
        foreach (VBuffer<float> row in view.GetColumn<VBuffer<float>>("Features"))
        {
            values.AddRange(row.DenseValues());
        }

        return values.ToArray();
    }

    private static double Rmse(float[] filled, float[] truth, bool[] hidden)
    {
        double sum = 0;
        long count = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (hidden[i])
            {
                double d = filled[i] - truth[i];
                sum += d * d;
                count++;
            }
        }

        return Math.Sqrt(sum / count);
    }

    /// <summary>Fails the run when an observed value did not pass through bit for bit, or a missing one is left unfilled.</summary>
    private static void CheckPassThrough(float[] filled, float[] input, string set)
    {
        for (int i = 0; i < input.Length; i++)
        {
            bool ok = float.IsNaN(input[i]) ? float.IsFinite(filled[i]) : BitConverter.SingleToInt32Bits(filled[i]) == BitConverter.SingleToInt32Bits(input[i]);
            if (!ok)
            {
                throw new InvalidOperationException($"{set}: value {i} was {input[i]} and came out {filled[i]}: observed values must pass through bit for bit and missing ones be filled.");
            }
        }
    }

    private static (float[]? Filled, double? Seconds) Knn(string python, string work, float[] train, float[] test, int columns)
    {
        string trainPath = Path.Combine(work, "train.f32"), testPath = Path.Combine(work, "test.f32"), outPath = Path.Combine(work, "knn.f32");
        File.WriteAllBytes(trainPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(train.AsSpan()).ToArray());
        File.WriteAllBytes(testPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(test.AsSpan()).ToArray());
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "peers", "knn_imputer.py"), "--train", trainPath, "--test", testPath, "--out", outPath, "--columns", columns.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"The k-NN peer failed with exit code {process.ExitCode}: {error.Result} (it needs python3-sklearn; .ci/run installs it)");
            return (null, null);
        }

        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        float[] filled = new float[test.Length];
        File.ReadAllBytes(outPath).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(filled.AsSpan()));
        return (filled, json.RootElement.GetProperty("seconds").GetDouble());
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index < 0 ? null : index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : "";
    }

    /// <summary>One row as ML.NET reads it; its vector's size is set in the schema definition.</summary>
    private sealed class Row
    {
        public float[] Features = [];
    }
}
