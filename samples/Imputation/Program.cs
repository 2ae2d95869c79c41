// Filling in missing values on Fashion-MNIST: hide 30% of the pixels of every image at random, training images included, and
// fill the hidden pixels of held-out test images with mlContext.Autoencoders.ImputeMissing, beside ML.NET's ReplaceMissingValues
// (each pixel's training mean). The imputer trains on the incomplete training images (its loss counts the pixels it has), fills
// only the NaN pixels and copies every other pixel bit for bit. Prints the RMSE over the hidden pixels and draws the images.
// Arguments: training images (default 10,000), fraction of pixels missing (default 0.3).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Transforms;

int trainCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
double missing = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.3;
const int testCount = 2000;
string output = OutputFolder.For("Imputation");

var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);
(FeatureMatrix trainImages, _) = FashionMnist.Read("train", trainCount);
(FeatureMatrix testImages, byte[] testClasses) = FashionMnist.Read("t10k", testCount);
var random = new Random(7);
float[][] trainWithGaps = Hide(trainImages, missing, random);
float[][] truth = Enumerable.Range(0, testImages.RowCount).Select(i => testImages.Row(i).ToArray()).ToArray();
float[][] testWithGaps = Hide(testImages, missing, random);
IDataView train = mlContext.Data.LoadFromEnumerable(trainWithGaps.Select(r => new ImageRow { Features = r }));
IDataView test = mlContext.Data.LoadFromEnumerable(testWithGaps.Select(r => new ImageRow { Features = r }));
Console.WriteLine($"Fashion-MNIST: {trainImages.RowCount:N0} training images and {testImages.RowCount:N0} held-out test images, {missing:P0} of the pixels of each missing (NaN) at random.");

// The autoencoder imputer replaces the Features column, as ReplaceMissingValues does; its network follows the width (784-256-64).
AutoencoderImputingTransformer imputer = TrainingProgress.Run(mlContext, "Training the autoencoder imputer on the incomplete training images",
    () => mlContext.Autoencoders.ImputeMissing("Features", seed: 3).Fit(train));
float[][] filled = Columns.ReadVectors(imputer.Transform(test), "Features");

var meanImputer = mlContext.Transforms.ReplaceMissingValues("Features", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean).Fit(train);
float[][] meanFilled = Columns.ReadVectors(meanImputer.Transform(test), "Features");

double oursRmse = Rmse(filled), meanRmse = Rmse(meanFilled);
bool passedThrough = testWithGaps.Zip(filled).All(p => p.First.Zip(p.Second).All(v => float.IsNaN(v.First) || BitConverter.SingleToInt32Bits(v.First) == BitConverter.SingleToInt32Bits(v.Second)));
Console.WriteLine();
Console.WriteLine($"RMSE over the {testWithGaps.Sum(r => r.Count(float.IsNaN)):N0} hidden pixels of the test images (pixels in [0, 1])");
Console.WriteLine($"  mean (ReplaceMissingValues)   {meanRmse:F4}");
Console.WriteLine($"  autoencoder (ImputeMissing)   {oursRmse:F4}");
Console.WriteLine($"  ratio                         {oursRmse / meanRmse:F3}");
Console.WriteLine($"Observed pixels passed through bit for bit: {passedThrough}.");
Console.WriteLine("RMSE by class: " + string.Join(", ", Enumerable.Range(0, 10).Select(c =>
{
    int[] members = Enumerable.Range(0, truth.Length).Where(i => testClasses[i] == c).ToArray();
    return $"{FashionMnist.ClassNames[c]} {Rmse(filled, members):F3}";
})));

// Pictures: the loss curve, and one test image of each of the first eight classes: with gaps (grey), filled by the mean, by the autoencoder, and whole.
var history = imputer.TrainingHistory;
Charts.LineChart(Path.Combine(output, "loss.png"), "Training the autoencoder imputer", "epoch", "mean squared error over observed pixels (standardized)",
    new Series("training", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.TrainingLoss).ToList()));
int[] shown = Enumerable.Range(0, 8).Select(c => Array.FindIndex(testClasses, k => k == c)).ToArray();
ImageGrid.Save(Path.Combine(output, "filled.png"), $"Held-out test images with {missing:P0} of their pixels missing",
    [
        shown.Select(i => new Tile(testWithGaps[i].Select(v => float.IsNaN(v) ? 0.5f : v).ToArray(), FashionMnist.ClassNames[testClasses[i]])).ToList(),
        shown.Select(i => new Tile(meanFilled[i], $"{Rmse(meanFilled, [i]):F3}")).ToList(),
        shown.Select(i => new Tile(filled[i], $"{Rmse(filled, [i]):F3}")).ToList(),
        shown.Select(i => new Tile(truth[i])).ToList(),
    ], FashionMnist.Side, FashionMnist.Side, rowLabels: ["missing (grey)", "mean", "autoencoder", "original"]);

Console.WriteLine($"Pictures: {Path.Combine(output, "loss.png")}, filled.png");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");
return passedThrough ? 0 : 1;

// RMSE over the hidden pixels of the given test images (all of them by default).
double Rmse(float[][] imputed, IEnumerable<int>? images = null)
{
    double sum = 0;
    long count = 0;
    foreach (int i in images ?? Enumerable.Range(0, truth.Length))
    {
        for (int p = 0; p < truth[i].Length; p++)
        {
            if (float.IsNaN(testWithGaps[i][p]))
            {
                double d = imputed[i][p] - truth[i][p];
                sum += d * d;
                count++;
            }
        }
    }

    return Math.Sqrt(sum / Math.Max(count, 1));
}

static float[][] Hide(FeatureMatrix images, double fraction, Random random) =>
    Enumerable.Range(0, images.RowCount).Select(i => images.Row(i).ToArray().Select(v => random.NextDouble() < fraction ? float.NaN : v).ToArray()).ToArray();
