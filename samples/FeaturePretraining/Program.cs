// Feature pretraining on Fashion-MNIST: the same ML.NET multiclass trainer on three views of the images, side by side:
// the 784 raw pixels, a PCA projection, and the code of an autoencoder of the same size. Then the few-labels case: the
// autoencoder has seen every training image without its label, only the first few keep theirs, and the fine-tuned
// classifier (the autoencoder's encoder plus a softmax head, trained end to end) is set against L-BFGS on the codes.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;

int trainCount = args.Length > 0 ? int.Parse(args[0]) : 15_000;
int codeSize = args.Length > 1 ? int.Parse(args[1]) : 32;
int labelCount = args.Length > 2 ? int.Parse(args[2]) : 1000;
var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);

IDataView train = Load("train", trainCount);
IDataView test = Load("t10k", null);
Console.WriteLine($"Fashion-MNIST: {trainCount:N0} training images, 10,000 test images; codes and projections of {codeSize} values.");

// The same classifier at the end of every pipeline: standardize its input, then L-BFGS maximum entropy.
IEstimator<ITransformer> Classifier(string features) =>
    mlContext.Transforms.Conversion.MapValueToKey("Label", "Class")
        .Append(mlContext.Transforms.NormalizeMeanVariance("Input", features))
        .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Input"));

var autoencoder = new AutoencoderEstimator.Options
{
    EncoderHiddenSizes = [256],
    CodeSize = codeSize,
    OutputActivation = Activation.Sigmoid, // pixels are in [0, 1]
    Epochs = 15,
    BatchSize = 128,
    Seed = 2,
    // The classifier needs the code alone: leaving the other outputs out keeps the trainer's Score and PredictedLabel the only ones.
    ReconstructionColumnName = null,
    ScoreColumnName = null,
    PredictedLabelColumnName = null,
    FeatureErrorsColumnName = null,
};

AutoencoderTransformer? autoencoderModel = null;
var results = new List<(string Name, int Size, MulticlassClassificationMetrics Metrics, TimeSpan Time)>
{
    Evaluate("raw pixels", 784, Classifier("Features")),
    Evaluate($"PCA, rank {codeSize}", codeSize, mlContext.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: codeSize, seed: 1).Append(Classifier("Pca"))),
    Evaluate($"autoencoder code", codeSize, mlContext.Autoencoders.Autoencoder(autoencoder).AppendCacheCheckpoint(mlContext).Append(Classifier("Encoded"))), // L-BFGS reads the codes once, not once per pass
};

Console.WriteLine();
Console.WriteLine("features            size   accuracy   macro accuracy   log-loss   training time");
foreach ((string name, int size, MulticlassClassificationMetrics metrics, TimeSpan time) in results)
{
    Console.WriteLine($"{name,-18} {size,5}   {metrics.MicroAccuracy,8:P1}   {metrics.MacroAccuracy,14:P1}   {metrics.LogLoss,8:F3}   {time.TotalSeconds,11:F1} s");
}

// Few labels: the autoencoder above pretrained on every training image, labels unused; now only the first labelCount images keep theirs.
IDataView labelled = mlContext.Data.TakeRows(train, labelCount);
ITransformer codesOnly = TrainingProgress.Step($"Training L-BFGS on the codes of {labelCount:N0} labelled images", () => Classifier("Encoded").Fit(autoencoderModel!.Transform(labelled)));
double codesAccuracy = mlContext.MulticlassClassification.Evaluate(codesOnly.Transform(autoencoderModel!.Transform(test))).MicroAccuracy;
ITransformer fineTuned = TrainingProgress.Step($"Fine-tuning the encoder with a softmax head on {labelCount:N0} labelled images", () =>
    mlContext.Transforms.Conversion.MapValueToKey("Label", "Class").Append(mlContext.Autoencoders.FineTunedClassifier(autoencoderModel!)).Fit(labelled));
double fineTunedAccuracy = mlContext.MulticlassClassification.Evaluate(fineTuned.Transform(test)).MicroAccuracy;
Console.WriteLine();
Console.WriteLine($"Few labels ({labelCount:N0} of {trainCount:N0} images labelled): L-BFGS on the codes {codesAccuracy:P1}, fine-tuned classifier {fineTunedAccuracy:P1}");
Console.WriteLine($"fine-tuned: accuracy {fineTunedAccuracy:P1}");

// Pictures: the autoencoder's loss curve, and the test images' codes and PCA projections reduced to two dimensions by PCA, by class.
string output = OutputFolder.For("FeaturePretraining");
var history = autoencoderModel!.TrainingHistory;
Charts.LineChart(Path.Combine(output, "loss.png"), $"Autoencoder 784-{autoencoder.EncoderHiddenSizes[0]}-{codeSize} on {trainCount:N0} images", "epoch", "mean squared error",
    new Series("training", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.TrainingLoss).ToList()));
IDataView codes = autoencoderModel.Transform(test);
var plane = mlContext.Transforms.ProjectToPrincipalComponents("Plane", "Encoded", rank: 2, seed: 1).Fit(codes).Transform(codes);
float[] testClasses = Columns.Read<float>(plane, "Class");
var points = Columns.ReadVectors(plane, "Plane").Select((p, i) => ((double)p[0], (double)p[1], (int)testClasses[i])).ToList();
Charts.Scatter(Path.Combine(output, "codes.png"), "Autoencoder codes of the test images, first two principal components", "component 1", "component 2", points, FashionMnist.ClassNames);
Console.WriteLine($"Pictures: {Path.Combine(output, "loss.png")}, codes.png");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");

(string, int, MulticlassClassificationMetrics, TimeSpan) Evaluate(string name, int size, IEstimator<ITransformer> pipeline)
{
    var watch = Stopwatch.StartNew();
    ITransformer model = name.StartsWith("autoencoder", StringComparison.Ordinal)
        ? TrainingProgress.Run(mlContext, $"Training the autoencoder (784-{autoencoder.EncoderHiddenSizes[0]}-{codeSize}) and the classifier on its codes", () => pipeline.Fit(train))
        : TrainingProgress.Step($"Training the classifier on {name}", () => pipeline.Fit(train));
    TimeSpan time = watch.Elapsed;
    autoencoderModel ??= (model as IEnumerable<ITransformer>)?.OfType<AutoencoderTransformer>().FirstOrDefault();
    MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
    Console.WriteLine($"{name}: accuracy {metrics.MicroAccuracy:P1}, trained in {time.TotalSeconds:F1} s");
    return (name, size, metrics, time);
}

IDataView Load(string set, int? count) => mlContext.Data.LoadFromEnumerable(FashionMnist.ReadRows(set, count));
