using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// The tabular quality benchmark: one-class anomaly detection on the real tables of <see cref="TabularTable.All"/>. For each table and each
/// of 5 seeds, a seeded random 60% of the normal rows (at most 5,000) trains every detector, standardised on those rows; the other normal
/// rows and all anomalies are the test rows. The library's default (<c>mlContext.Autoencoders.Autoencoder("Features")</c>, nothing else set)
/// and its variants run here through ML.NET, as does ML.NET's RandomizedPca; scikit-learn's IsolationForest, OneClassSVM, LocalOutlierFactor
/// and PCA reconstruction error run in bench/peers/sklearn_detectors.py on the same rows. Prints AUROC and average precision per table and
/// detector (mean over the seeds, with the range), and last <c>tabular_mean_auroc=... best_peer_mean_auroc=...</c>.
/// </summary>
internal static class TabularQualityBenchmark
{
    /// <summary>The fraction of the normal rows that trains.</summary>
    private const double TrainFraction = 0.6;

    /// <summary>The most training rows.</summary>
    private const int MaxTrainRows = 5000;

    private const string Default = "autoencoder";

    private static readonly string[] Peers = ["iforest", "ocsvm", "lof", "pca", "mlnet-pca"];

    /// <summary>The library's options compared with its default, by name, for a table of the given width: each changes one thing.</summary>
    private static readonly Dictionary<string, Func<int, AutoencoderEstimator.Options>> Variants = new()
    {
        // The default shape before this benchmark: a code of ceil(d / 4) and a hidden layer of max(2 x code, ceil(sqrt(d x code))).
        ["narrow"] = width => new() { CodeSize = QuarterWidth(width), EncoderHiddenSizes = [Math.Max(2 * QuarterWidth(width), (int)Math.Ceiling(Math.Sqrt(width * QuarterWidth(width))))] },
        ["scaled"] = _ => new() { ScaleFeatureErrors = true },
        ["weight-decay"] = _ => new() { WeightDecay = 1e-3f },
        ["early-stop"] = _ => new() { ValidationFraction = 0.2f, EarlyStoppingPatience = 20 },
        ["gaussian-noise"] = _ => new() { Noise = NoiseKind.Gaussian, NoiseLevel = 0.2f },
        ["vae"] = _ => new VaeEstimator.Options(),
        ["neighbours"] = _ => new() { CodeNeighbours = 20 },
        ["scaled-neighbours"] = _ => new() { ScaleFeatureErrors = true, CodeNeighbours = 20 },
    };

    public static int Run(string[] args)
    {
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        int seeds = Option(args, "--seeds") is string s ? int.Parse(s, CultureInfo.InvariantCulture) : 5;
        string[] tableNames = Option(args, "--tables")?.Split(',') ?? TabularTable.All.Select(t => t.Name).ToArray();
        string[] variants = Option(args, "--variants") is string v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries) : [.. Variants.Keys];
        string work = Path.GetFullPath(Option(args, "--work") ?? Path.Combine("artifacts", "quality-tabular"));
        TabularTable[] tables = tableNames.Select(n => TabularTable.All.FirstOrDefault(t => t.Name == n)
            ?? throw new ArgumentException($"No table named {n}; the tables are {string.Join(", ", TabularTable.All.Select(t => t.Name))}.")).ToArray();
        foreach (string variant in variants.Where(v => !Variants.ContainsKey(v)))
        {
            throw new ArgumentException($"No variant named {variant}; the variants are {string.Join(", ", Variants.Keys)}.");
        }

        var watch = Stopwatch.StartNew();
        string tableDirectory = Path.Combine(work, "tables");
        if (!WriteTables(tableDirectory))
        {
            return 1;
        }

        string[] detectors = [Default, .. variants.Select(v => Default + "+" + v), .. Peers];
        // results[detector][table] = (AUROC, AP) per seed
        var results = detectors.ToDictionary(d => d, _ => tables.ToDictionary(t => t.Name, _ => new List<(double Auroc, double Ap)>()));
        var splits = new List<(TabularTable Table, int Seed, bool[] Anomalous, string Scores)>();
        var jobs = new List<object>();
        string splitDirectory = Path.Combine(work, "splits");
        Directory.CreateDirectory(splitDirectory);
        foreach (TabularTable table in tables)
        {
            (float[][] rows, bool[] anomalous) = table.Read(tableDirectory);
            int normal = anomalous.Count(a => !a);
            int width = rows[0].Length;
            int components = QuarterWidth(width);
            Console.Error.WriteLine($"{table.Name}: {rows.Length} rows ({anomalous.Count(a => a)} anomalies), {width} features; {table.Source}");
            for (int seed = 1; seed <= seeds; seed++)
            {
                (float[][] train, float[][] test, bool[] testAnomalous) = Split(rows, anomalous, seed);
                string prefix = Path.Combine(splitDirectory, $"{table.Name}-{seed}");
                WriteCsv(prefix + "-train.csv", train);
                WriteCsv(prefix + "-test.csv", test);
                jobs.Add(new { train = prefix + "-train.csv", test = prefix + "-test.csv", scores = prefix + "-peers.csv", seed, components });
                splits.Add((table, seed, testAnomalous, prefix + "-peers.csv"));

                // A fresh context per detector, so that each trains from the same seed whichever detectors run before it.
                var mlContext = new MLContext(seed: seed);
                IDataView trainView = View(mlContext, train);
                IDataView testView = View(mlContext, test);
                Record(results[Default], table, testAnomalous, Scores(mlContext.Autoencoders.Autoencoder("Features").Fit(trainView), testView));
                foreach (string variant in variants)
                {
                    AutoencoderEstimator.Options options = Variants[variant](width);
                    Record(results[Default + "+" + variant], table, testAnomalous, Scores(new MLContext(seed: seed).Autoencoders.Autoencoder(options).Fit(trainView), testView));
                }

                var pca = new MLContext(seed: seed).AnomalyDetection.Trainers.RandomizedPca("Features", rank: components, seed: seed).Fit(trainView);
                Record(results["mlnet-pca"], table, testAnomalous, Scores(pca, testView));
                Console.Error.WriteLine($"  seed {seed}: {train.Length} training rows, {test.Length} test rows; library and ML.NET done ({watch.Elapsed.TotalSeconds:F0} s)");
            }
        }

        string manifest = Path.Combine(work, "peers.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(jobs));
        if (!RunPeers(python, manifest))
        {
            return 1;
        }

        foreach ((TabularTable table, int _, bool[] testAnomalous, string scoresPath) in splits)
        {
            string[] lines = File.ReadAllLines(scoresPath);
            string[] names = lines[0].Split(',');
            for (int c = 0; c < names.Length; c++)
            {
                float[] scores = lines.Skip(1).Select(l => float.Parse(l.Split(',')[c], CultureInfo.InvariantCulture)).ToArray();
                Record(results[names[c]], table, testAnomalous, scores);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one-class anomaly detection on {tables.Length} mlbench tables, {seeds} seeds; train on {100 * TrainFraction:F0}% of the normal rows (at most {MaxTrainRows}), standardised on them; test on the other normal rows and all anomalies ({watch.Elapsed.TotalSeconds:F0} s)"));
        PrintTable("AUROC", tables, detectors, results, r => r.Auroc);
        PrintTable("average precision", tables, detectors, results, r => r.Ap);
        double library = MeanOverTables(results[Default], r => r.Auroc);
        (string bestPeer, double best) = Peers.Select(p => (p, MeanOverTables(results[p], r => r.Auroc))).MaxBy(p => p.Item2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best peer: {bestPeer}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tabular_mean_auroc={100 * library:F2} best_peer_mean_auroc={100 * best:F2}"));
        return 0;
    }

    /// <summary>ceil(<paramref name="width"/> / 4), at most 32: the PCA peers' rank, and the code of the "narrow" variant.</summary>
    private static int QuarterWidth(int width) => Math.Clamp((width + 3) / 4, 1, 32);

    private static (float[][] Train, float[][] Test, bool[] TestAnomalous) Split(float[][] rows, bool[] anomalous, int seed)
    {
        int[] normal = Enumerable.Range(0, rows.Length).Where(i => !anomalous[i]).ToArray();
        new Random(seed).Shuffle(normal);
        int trainCount = Math.Min(MaxTrainRows, (int)(TrainFraction * normal.Length));
        int[] train = normal[..trainCount];
        int[] test = [.. normal[trainCount..], .. Enumerable.Range(0, rows.Length).Where(i => anomalous[i])];
        int width = rows[0].Length;
        var mean = new double[width];
        var scale = new double[width];
        for (int c = 0; c < width; c++)
        {
            mean[c] = train.Average(i => (double)rows[i][c]);
            double variance = train.Average(i => Math.Pow(rows[i][c] - mean[c], 2));
            scale[c] = variance > 0 ? 1 / Math.Sqrt(variance) : 1;
        }

        float[][] Standardise(int[] indices) => indices.Select(i => Enumerable.Range(0, width).Select(c => (float)((rows[i][c] - mean[c]) * scale[c])).ToArray()).ToArray();
        return (Standardise(train), Standardise(test), test.Select(i => anomalous[i]).ToArray());
    }

    private static IDataView View(MLContext mlContext, float[][] rows)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Length);
        return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }), schema);
    }

    private static float[] Scores(ITransformer model, IDataView test) => model.Transform(test).GetColumn<float>("Score").ToArray();

    private static void Record(Dictionary<string, List<(double, double)>> results, TabularTable table, bool[] anomalous, float[] scores) =>
        results[table.Name].Add((RankMetrics.Auroc(scores, anomalous), RankMetrics.AveragePrecision(scores, anomalous)));

    private static double MeanOverTables(Dictionary<string, List<(double Auroc, double Ap)>> byTable, Func<(double Auroc, double Ap), double> metric) =>
        byTable.Values.Average(runs => runs.Average(metric));

    private static void PrintTable(string title, TabularTable[] tables, string[] detectors, Dictionary<string, Dictionary<string, List<(double Auroc, double Ap)>>> results, Func<(double Auroc, double Ap), double> metric)
    {
        Console.WriteLine();
        Console.WriteLine($"{title}, mean over seeds [min-max]");
        Console.WriteLine($"| detector | {string.Join(" | ", tables.Select(t => t.Name))} | mean |");
        Console.WriteLine($"| --- |{string.Concat(tables.Select(_ => " --- |"))} --- |");
        foreach (string detector in detectors)
        {
            var line = new StringBuilder($"| {detector} |");
            foreach (TabularTable table in tables)
            {
                double[] values = results[detector][table.Name].Select(metric).ToArray();
                line.Append(CultureInfo.InvariantCulture, $" {100 * values.Average():F1} [{100 * values.Min():F1}-{100 * values.Max():F1}] |");
            }

            line.Append(CultureInfo.InvariantCulture, $" {100 * MeanOverTables(results[detector], metric):F1} |");
            Console.WriteLine(line);
        }
    }

    /// <summary>Writes the tables as CSV with bench/peers/mlbench_tables.R; false, having said why, when R or mlbench is missing.</summary>
    private static bool WriteTables(string directory)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peers", "mlbench_tables.R");
        (int code, string error) = Execute("Rscript", [script, directory]);
        if (code != 0)
        {
            Console.Error.WriteLine($"Rscript {script} failed (exit code {code}): {error}\nThe tables come from R's mlbench package: apt-get install r-cran-mlbench (.ci/run installs it).");
            return false;
        }

        return true;
    }

    private static bool RunPeers(string python, string manifest)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peers", "sklearn_detectors.py");
        (int code, string error) = Execute(python, [script, manifest]);
        if (code != 0)
        {
            Console.Error.WriteLine($"{python} {script} failed (exit code {code}): {error}\nThe peers need scikit-learn for the system Python: apt-get install python3-sklearn (.ci/run installs it).");
            return false;
        }

        return true;
    }

    /// <summary>Runs <paramref name="program"/>, passing its standard error through to ours as progress; its exit code and standard error.</summary>
    private static (int Code, string Error) Execute(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OMP_NUM_THREADS"] = "1";
        var error = new StringBuilder();
        try
        {
            using Process process = Process.Start(start)!;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    Console.Error.WriteLine(e.Data);
                    error.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
            process.WaitForExit();
            return (process.ExitCode, error.ToString());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{program} could not start: {e.Message}");
        }
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index < 0 ? null : index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : "";
    }

    private static void WriteCsv(string path, float[][] rows) =>
        File.WriteAllLines(path, rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

    private sealed class Row
    {
        public float[] Features = [];
    }
}
