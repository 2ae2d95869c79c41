// Anomalies in a real table, end to end through ML.NET: the Glass table of R's mlbench package (214 glass fragments, 9 chemical
// measurements each), written as CSV by the tabular quality benchmark's data step. As in the benchmark (and in ODDS), the
// tableware fragments (class 6) are the anomalies. The autoencoder trains with the library's defaults on the normal rows of a
// seeded 60% of the table, scores the other 40%, and the per-feature errors say which measurements make each flagged fragment unusual.
using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

int seed = args.Length > 0 ? int.Parse(args[0]) : 1;
var clock = Stopwatch.StartNew();
string output = OutputFolder.For("TableAnomalies");
string csv = GlassTable.Write(Path.Combine(output, "tables"));
string[] measurements = File.ReadLines(csv).First().Split(',').Select(c => c.Trim('"')).Where(c => c != "Class").ToArray();

var mlContext = new MLContext(seed: seed);
var loader = mlContext.Data.CreateTextLoader(new TextLoader.Options
{
    HasHeader = true,
    Separators = [','],
    AllowQuoting = true,
    Columns = [.. measurements.Select((m, i) => new TextLoader.Column(m, DataKind.Single, i)), new TextLoader.Column("Class", DataKind.String, measurements.Length)],
});
IDataView table = mlContext.Transforms.CustomMapping<GlassClass, AnomalyLabel>((row, label) => label.Label = row.Class == GlassTable.AnomalyClass ? 1 : 0, contractName: null)
    .Fit(loader.Load(csv)).Transform(loader.Load(csv));
DataOperationsCatalog.TrainTestData split = mlContext.Data.TrainTestSplit(table, testFraction: 0.4, seed: seed);
IDataView train = mlContext.Data.FilterRowsByColumn(split.TrainSet, "Label", upperBound: 0.5); // the normal rows only
Console.WriteLine($"Glass: {Count(table)} fragments, {Count(mlContext.Data.FilterRowsByColumn(table, "Label", lowerBound: 0.5))} of them tableware (the anomalies); training on {Count(train)} normal fragments, testing on {Count(split.TestSet)}.");

// One column per measurement, concatenated so that each slot of "Features" is named after its measurement; standardised on the
// training rows; then the autoencoder with nothing set: its shape, epochs and score follow the data.
var pipeline = mlContext.Transforms.Concatenate("Features", measurements)
    .Append(mlContext.Transforms.NormalizeMeanVariance("Features", fixZero: false))
    .Append(mlContext.Autoencoders.Autoencoder("Features"));
TransformerChain<AutoencoderTransformer> model = TrainingProgress.Run(mlContext, "Training the autoencoder on normal glass", () => pipeline.Fit(train));
IDataView scored = model.Transform(split.TestSet);
AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored);
float[] scores = Columns.Read<float>(scored, "Score");
float[] labels = Columns.Read<float>(scored, "Label");
bool[] flagged = Columns.Read<bool>(scored, "PredictedLabel");
string[] classes = Columns.Read<ReadOnlyMemory<char>>(scored, "Class").Select(c => c.ToString()).ToArray();
float[][] raw = measurements.Select(m => Columns.Read<float>(scored, m)).ToArray();
float[][] errors = Columns.ReadVectors(scored, "FeatureErrors");
// The reconstruction is in standardised units; the normalizer's scale and offset (standardised = (x - offset) x scale) bring it back
// to each measurement's own units, so that a flag reads as "this value, where the model expected that one".
var standardisation = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)((NormalizingTransformer)model.ElementAt(1)).GetNormalizerModelParameters(0);
float[][] rebuilt = Columns.ReadVectors(scored, "Reconstruction")
    .Select(row => row.Select((v, j) => v / standardisation.Scale[j] + standardisation.Offset[j]).ToArray()).ToArray();
float[][] trainingErrors = Columns.ReadVectors(model.Transform(train), "FeatureErrors");

int anomalies = labels.Count(l => l == 1);
int caught = Enumerable.Range(0, scores.Length).Count(i => flagged[i] && labels[i] == 1);
Console.WriteLine();
Console.WriteLine($"AUROC {metrics.AreaUnderRocCurve:F4}; {flagged.Count(f => f)} of {scores.Length} test fragments flagged, {caught} of the {anomalies} tableware fragments among them.");

// Each measurement's squared error in a row as a multiple of its mean over the training rows: a measurement the model always rebuilds
// loosely does not explain a flag; one whose error is many times its usual size does.
double[] usual = Enumerable.Range(0, measurements.Length).Select(j => trainingErrors.Average(e => (double)e[j])).ToArray();
double[] typical = Enumerable.Range(0, measurements.Length).Select(j => Median(Columns.Read<float>(train, measurements[j]))).ToArray();
Console.WriteLine();
Console.WriteLine("The 8 highest-scoring test fragments and the measurements that explain them (error as a multiple of its usual size: the value, what the autoencoder rebuilt it as, and the normal fragments' median):");
foreach (int i in Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(8))
{
    string why = string.Join(", ", Enumerable.Range(0, measurements.Length).OrderByDescending(j => errors[i][j] / usual[j]).Take(3)
        .Select(j => $"{measurements[j]} x{errors[i][j] / usual[j]:F0} ({raw[j][i]:G4}, rebuilt {rebuilt[i][j]:G3}, median {typical[j]:G4})"));
    Console.WriteLine($"  score {scores[i],8:F2}  class {classes[i],-2} {(labels[i] == 1 ? "tableware" : "normal   ")}  {(flagged[i] ? "flagged" : "       ")}  {why}");
}

// A picture: every test fragment's score, tableware apart from the rest.
int[] order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
Charts.Scatter(Path.Combine(output, "scores.png"), "Anomaly score of each test fragment of glass", "fragment, by score", "log10 of the score",
    order.Select((i, rank) => ((double)rank, Math.Log10(scores[i]), (int)labels[i])).ToList(), ["normal glass", "tableware (anomaly)"]);
Console.WriteLine($"Picture: {Path.Combine(output, "scores.png")}");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");

static long Count(IDataView data) => data.GetColumn<float>("Label").LongCount();

static double Median(float[] values)
{
    float[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
}

/// <summary>The class column of the Glass table.</summary>
internal sealed class GlassClass
{
    /// <summary>The glass type, "1" to "7"; "6" is tableware.</summary>
    public string Class { get; set; } = "";
}

/// <summary>The label ML.NET's anomaly evaluator reads: 1 for an anomaly.</summary>
internal sealed class AnomalyLabel
{
    /// <summary>1 for tableware, 0 otherwise.</summary>
    public float Label { get; set; }
}

/// <summary>The Glass table, written by the tabular quality benchmark's data step (bench/peers/mlbench_tables.R, Debian's r-cran-mlbench).</summary>
internal static class GlassTable
{
    /// <summary>The class of the anomalies: tableware, as in ODDS and the benchmark.</summary>
    public const string AnomalyClass = "6";

    /// <summary>Writes the benchmark's tables into <paramref name="folder"/> with Rscript and returns the path of Glass.csv.</summary>
    public static string Write(string folder)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "mlbench_tables.R");
        var start = new ProcessStartInfo("Rscript") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        try
        {
            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Rscript {script} failed (exit code {process.ExitCode}): {error} The table comes from R's mlbench package: apt-get install r-cran-mlbench.");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Rscript could not start ({e.Message}); the table comes from R's mlbench package: apt-get install r-cran-mlbench.", e);
        }

        return Path.Combine(folder, "Glass.csv");
    }
}
