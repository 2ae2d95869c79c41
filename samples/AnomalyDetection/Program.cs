// Anomaly detection on Fashion-MNIST with an autoencoder in an ML.NET pipeline:
// train on one class as "normal", score the test set, let ML.NET's evaluator judge the scores,
// and draw the loss curves, the most and least anomalous test images, and where the top flags differ from their reconstructions.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;

int normalClass = args.Length > 0 ? int.Parse(args[0]) : 1;
int epochs = args.Length > 1 ? int.Parse(args[1]) : 15;
string[] classNames = FashionMnist.ClassNames;
string output = OutputFolder.For("AnomalyDetection");

var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);

ImageRow[] train = FashionMnist.ReadRows("train");
ImageRow[] test = FashionMnist.ReadRows("t10k");
IDataView normalData = mlContext.Data.LoadFromEnumerable(train.Where(r => r.Class == normalClass));
IDataView testData = mlContext.Data.LoadFromEnumerable(test.Select(r => r with { Label = r.Class == normalClass ? 0f : 1f }));
Console.WriteLine($"Fashion-MNIST: normal class {normalClass} ({classNames[normalClass]}), {train.Count(r => r.Class == normalClass)} training images; testing on all {test.Length} test images ({test.Count(r => r.Class != normalClass)} anomalies).");

var options = new AutoencoderEstimator.Options
{
    EncoderHiddenSizes = [128],
    CodeSize = 16,
    OutputActivation = Activation.Sigmoid, // pixels are in [0, 1]
    Epochs = epochs,
    BatchSize = 64,
    ValidationFraction = 0.1f,             // for the validation curve; the threshold still comes from the training scores
    Contamination = 0.02f,                 // a few odd trousers in the training data
    Seed = 3,
};
AutoencoderTransformer model = TrainingProgress.Run(mlContext, $"Training a 784-{options.EncoderHiddenSizes[0]}-{options.CodeSize} autoencoder for {epochs} epochs",
    () => mlContext.Autoencoders.Autoencoder(options).Fit(normalData));

IDataView scored = model.Transform(testData);
AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored, labelColumnName: "Label", scoreColumnName: "Score", predictedLabelColumnName: "PredictedLabel");

Console.WriteLine();
Console.WriteLine($"AUROC                                   {metrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"Detection rate at 10 false positives    {metrics.DetectionRateAtFalsePositiveCount:F4}");
Console.WriteLine($"Threshold (98th percentile of training) {model.Threshold:G5}");
// ML.NET's anomaly metrics carry no confusion table, and its binary evaluators re-threshold the score at 0, so count PredictedLabel here.
bool[] truth = test.Select(r => r.Class != normalClass).ToArray();
bool[] predicted = Columns.Read<bool>(scored, "PredictedLabel");
int tp = 0, fp = 0, fn = 0, tn = 0;
for (int i = 0; i < truth.Length; i++)
{
    _ = (truth[i], predicted[i]) switch { (true, true) => tp++, (false, true) => fp++, (true, false) => fn++, _ => tn++ };
}

Console.WriteLine();
Console.WriteLine("Confusion table (positive = anomaly)");
Console.WriteLine("                  predicted anomaly   predicted normal   recall");
Console.WriteLine($"  truly anomaly   {tp,17:N0}   {fn,16:N0}   {(double)tp / Math.Max(1, tp + fn):P1}");
Console.WriteLine($"  truly normal    {fp,17:N0}   {tn,16:N0}   {(double)tn / Math.Max(1, tn + fp):P1}");
Console.WriteLine($"  precision       {(double)tp / Math.Max(1, tp + fp),17:P1}   {(double)tn / Math.Max(1, tn + fn),16:P1}");
Console.WriteLine();

// The most and least anomalous-looking classes, by mean score.
float[] scores = Columns.Read<float>(scored, "Score");
var byClass = test.Zip(scores, (row, score) => (row.Class, score)).GroupBy(p => p.Class)
    .Select(g => (Class: (int)g.Key, Mean: g.Average(p => p.score))).OrderBy(p => p.Mean).ToArray();
Console.WriteLine("Mean score by class: " + string.Join(", ", byClass.Select(c => $"{classNames[c.Class]} {c.Mean:G3}")));

// Pictures: loss curves, the extremes of the score, and per-pixel error maps of the top flags.
var history = model.TrainingHistory;
Charts.LineChart(Path.Combine(output, "loss.png"), $"Training a {classNames[normalClass]} autoencoder", "epoch", "mean squared error",
    new Series("training", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.TrainingLoss).ToList()),
    new Series("validation", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.ValidationLoss ?? double.NaN).ToList()));

int[] order = Enumerable.Range(0, test.Length).OrderByDescending(i => scores[i]).ToArray();
const int shown = 10;
Tile Image(int i) => new(test[i].Features, $"{classNames[(int)test[i].Class]} {scores[i]:F3}");
int[] missed = order.Reverse().Where(i => truth[i]).Take(shown).ToArray(); // the anomalies that look most normal
ImageGrid.Save(Path.Combine(output, "extremes.png"), $"Test images by anomaly score (normal: {classNames[normalClass]})",
    [order.Take(shown).Select(Image).ToList(), order.TakeLast(shown).Reverse().Select(Image).ToList(), missed.Select(Image).ToList()], 28, 28,
    rowLabels: ["most anomalous", "least anomalous", "anomalies scored lowest"]);

// The ROC curve the AUROC measures: detection rate against false-positive rate as the threshold sweeps the scores.
var fpr = new List<double> { 0 };
var tpr = new List<double> { 0 };
int positives = truth.Count(t => t), negatives = truth.Length - positives, seenPositive = 0, seenNegative = 0;
foreach (int i in order)
{
    _ = truth[i] ? seenPositive++ : seenNegative++;
    fpr.Add((double)seenNegative / negatives);
    tpr.Add((double)seenPositive / positives);
}

int[] thinned = Enumerable.Range(0, fpr.Count).Where(i => i % 20 == 0 || i == fpr.Count - 1).ToArray();
Charts.LineChart(Path.Combine(output, "roc.png"), $"ROC curve, AUROC {metrics.AreaUnderRocCurve:F4}", "false-positive rate", "detection rate",
    new Series("autoencoder score", thinned.Select(i => fpr[i]).ToList(), thinned.Select(i => tpr[i]).ToList()),
    new Series("chance", [0, 1], [0, 1]));

// FeatureErrors holds each pixel's squared error; Score is their mean. Read the top flags' rows only.
int[] top = order.Take(8).ToArray();
IDataView topRows = model.Transform(mlContext.Data.LoadFromEnumerable(top.Select(i => test[i])));
float[][] reconstructions = Columns.ReadVectors(topRows, "Reconstruction");
float[][] errors = Columns.ReadVectors(topRows, "FeatureErrors");
float errorMax = errors.Max(e => e.Max());
ImageGrid.Save(Path.Combine(output, "top-flags.png"), "Top flags: image, reconstruction, per-pixel squared error",
    [
        top.Select(Image).ToList(),
        reconstructions.Select(r => new Tile(r)).ToList(),
        errors.Select(e => new Tile(e, $"max {e.Max():F2}", ColorMap.Heat, errorMax)).ToList(),
    ], 28, 28, rowLabels: ["image", "reconstruction", "squared error"]);

Console.WriteLine($"Pictures: {Path.Combine(output, "loss.png")}, roc.png, extremes.png, top-flags.png");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");
