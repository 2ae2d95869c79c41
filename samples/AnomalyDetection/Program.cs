// Anomaly detection on Fashion-MNIST with an autoencoder in an ML.NET pipeline:
// train on one class as "normal", score the test set, and let ML.NET's evaluators judge the scores.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Data;

string dataDirectory = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") is { Length: > 0 } directory ? directory : "/usr/share/datasets/fashion-mnist";
string[] classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
int normalClass = args.Length > 0 ? int.Parse(args[0]) : 1;
int epochs = args.Length > 1 ? int.Parse(args[1]) : 15;

var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    // One line per epoch, and the threshold, from the estimator's log channel.
    if (e.Source.StartsWith(nameof(AutoencoderEstimator), StringComparison.Ordinal) && (e.Message.Contains("Epoch ") || e.Message.Contains("Training autoencoder")))
    {
        Console.WriteLine($"  {e.Message[(e.Message.IndexOf("] ", StringComparison.Ordinal) + 2)..]}");
    }
};

ImageRow[] train = Load("train");
ImageRow[] test = Load("t10k");
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
    Contamination = 0.02f,                 // a few odd trousers in the training data
    Seed = 3,
};
Console.WriteLine($"Training {options.EncoderHiddenSizes[0]}-{options.CodeSize} autoencoder for {epochs} epochs:");
AutoencoderTransformer model = mlContext.Autoencoders.Autoencoder(options).Fit(normalData);

IDataView scored = model.Transform(testData);
AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored, labelColumnName: "Label", scoreColumnName: "Score", predictedLabelColumnName: "PredictedLabel");

Console.WriteLine();
Console.WriteLine($"AUROC                                   {metrics.AreaUnderRocCurve:F4}");
Console.WriteLine($"Detection rate at 10 false positives    {metrics.DetectionRateAtFalsePositiveCount:F4}");
Console.WriteLine($"Threshold (98th percentile of training) {model.Threshold:G5}");
// ML.NET's anomaly metrics carry no confusion table, and its binary evaluators re-threshold the score at 0, so count PredictedLabel here.
bool[] truth = test.Select(r => r.Class != normalClass).ToArray();
bool[] predicted = Column<bool>(scored, "PredictedLabel");
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
var byClass = test.Zip(Column<float>(scored, "Score"), (row, score) => (row.Class, score)).GroupBy(p => p.Class)
    .Select(g => (Class: (int)g.Key, Mean: g.Average(p => p.score))).OrderBy(p => p.Mean).ToArray();
Console.WriteLine("Mean score by class: " + string.Join(", ", byClass.Select(c => $"{classNames[c.Class]} {c.Mean:G3}")));
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");

ImageRow[] Load(string set)
{
    FeatureMatrix images = IdxFile.ReadImages(Path.Combine(dataDirectory, $"{set}-images-idx3-ubyte.gz"));
    byte[] labels = IdxFile.ReadLabels(Path.Combine(dataDirectory, $"{set}-labels-idx1-ubyte.gz"));
    return Enumerable.Range(0, images.RowCount).Select(i => new ImageRow { Class = labels[i], Features = images.Row(i).ToArray() }).ToArray();
}

static T[] Column<T>(IDataView data, string name)
{
    var values = new List<T>();
    using DataViewRowCursor cursor = data.GetRowCursor([data.Schema[name]]);
    ValueGetter<T> getter = cursor.GetGetter<T>(data.Schema[name]);
    T value = default!;
    while (cursor.MoveNext())
    {
        getter(ref value);
        values.Add(value);
    }

    return values.ToArray();
}

/// <summary>A Fashion-MNIST image with its class and, for the test set, its anomaly labels.</summary>
internal sealed record ImageRow
{
    /// <summary>The class, 0 to 9.</summary>
    public float Class { get; init; }

    /// <summary>1 for an anomaly (any other class), 0 for normal: the label ML.NET's anomaly evaluator reads.</summary>
    public float Label { get; init; }

    /// <summary>The pixels, scaled to [0, 1].</summary>
    [VectorType(784)]
    public float[] Features { get; init; } = [];
}
