// Generation with variational autoencoders on Fashion-MNIST: train a VAE whose decoder ends in a sigmoid (a Bernoulli
// likelihood for [0, 1] pixels), then draw new images from its prior, walk its latent space between two test images, and
// train a second VAE with a two-unit code to see its whole latent space: the test images' latent means by class, and the
// images its decoder paints across that plane.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;

int trainCount = args.Length > 0 ? int.Parse(args[0]) : 30_000;
int codeSize = args.Length > 1 ? int.Parse(args[1]) : 8;
int epochs = args.Length > 2 ? int.Parse(args[2]) : 20;
string[] classNames = FashionMnist.ClassNames;
const int side = FashionMnist.Side;
string output = OutputFolder.For("VaeGeneration");

var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);

(FeatureMatrix trainImages, _) = FashionMnist.Read("train", trainCount);
(FeatureMatrix testImages, byte[] testClasses) = FashionMnist.Read("t10k");
IDataView train = mlContext.Data.LoadFromEnumerable(Rows(trainImages));
IDataView test = mlContext.Data.LoadFromEnumerable(Rows(testImages));
Console.WriteLine($"Fashion-MNIST: {trainImages.RowCount:N0} training images, {testImages.RowCount:N0} test images.");

VaeEstimator.Options Options(int latent) => new()
{
    EncoderHiddenSizes = [256],
    CodeSize = latent,                     // latent dimensions; "Encoded" holds their means
    OutputActivation = Activation.Sigmoid, // pixels in [0, 1]: a Bernoulli likelihood
    Epochs = epochs,
    BatchSize = 128,
    Seed = 5,
};

// The generator: a VAE with a code of 8.
AutoencoderTransformer vae = TrainingProgress.Run(mlContext, $"Training a 784-256-{codeSize} VAE for {epochs} epochs",
    () => mlContext.Autoencoders.Vae(Options(codeSize)).Fit(train));
AutoencoderModel model = vae.Model;

// How well it models held-out images, in nats per image. The Score column is the negative ELBO with the latent mean
// plugged in; ImportanceWeightedScore samples the latent instead: with one sample it estimates the negative ELBO itself,
// with more it tightens toward -log p(x).
float[] elbo = Columns.Read<float>(vae.Transform(test), "Score");
var subset = new FeatureMatrix(testImages.Values[..(1000 * side * side)].ToArray(), side * side);
float[] oneSample = model.ImportanceWeightedScore(subset, samples: 1, seed: 1);
float[] iwae = model.ImportanceWeightedScore(subset, samples: 50, seed: 1);
Console.WriteLine();
Console.WriteLine($"On the first 1,000 test images (nats per image)");
Console.WriteLine($"  Score (negative ELBO at the latent mean)            {elbo.Take(1000).Average(),6:F1}   (all 10,000: {elbo.Average():F1})");
Console.WriteLine($"  negative ELBO, one latent sample per image         {oneSample.Average(),6:F1}");
Console.WriteLine($"  importance-weighted -log p(x), 50 samples          {iwae.Average(),6:F1}");
Console.WriteLine();

// (a) New images: latent vectors drawn from the standard normal prior, decoded.
FeatureMatrix samples = model.SamplePrior(count: 40, seed: 11);
ImageGrid.Save(Path.Combine(output, "prior-samples.png"), $"40 samples from the prior of the VAE with {codeSize} latent units",
    Enumerable.Range(0, 5).Select(r => (IReadOnlyList<Tile>)Enumerable.Range(0, 8).Select(c => new Tile(samples.Row(r * 8 + c).ToArray())).ToList()).ToList(),
    side, side);

// (b) Interpolation: decode evenly spaced points on the segment between two test images' latent means.
(int From, int To)[] pairs = [(9, 5), (0, 3), (2, 8), (7, 9)]; // class pairs: ankle boot to sandal, T-shirt to dress, pullover to bag, sneaker to ankle boot
const int steps = 9;
var interpolationRows = new List<IReadOnlyList<Tile>>();
foreach ((int fromClass, int toClass) in pairs)
{
    int from = Array.IndexOf(testClasses, (byte)fromClass), to = Array.IndexOf(testClasses, (byte)toClass);
    FeatureMatrix path = model.Interpolate(testImages.Row(from), testImages.Row(to), steps);
    interpolationRows.Add([
        new Tile(testImages.Row(from).ToArray(), classNames[fromClass]),
        .. Enumerable.Range(0, steps).Select(s => new Tile(path.Row(s).ToArray(), $"t = {s / (double)(steps - 1):0.###}")),
        new Tile(testImages.Row(to).ToArray(), classNames[toClass]),
    ]);
}

ImageGrid.Save(Path.Combine(output, "interpolation.png"), "Interpolating between test images in latent space (outer columns: the test images themselves)",
    interpolationRows, side, side);

// (c) A VAE with two latent units: its latent plane, as the test images' means and as decoded images.
AutoencoderTransformer vae2 = TrainingProgress.Run(mlContext, $"Training a 784-256-2 VAE for {epochs} epochs",
    () => mlContext.Autoencoders.Vae(Options(2)).Fit(train));
IDataView encoded = vae2.Transform(test);
float[][] means = Columns.ReadVectors(encoded, "Encoded");
float[] elbo2 = Columns.Read<float>(encoded, "Score");
Console.WriteLine();
Console.WriteLine($"Score of the 2-unit VAE on the test images: {elbo2.Average():F1} nats per image");
Console.WriteLine("Mean latent position by class: " + string.Join(", ", Enumerable.Range(0, 10).Select(c =>
{
    float[][] members = means.Where((_, i) => testClasses[i] == c).ToArray();
    return $"{classNames[c]} ({members.Average(m => m[0]):F2}, {members.Average(m => m[1]):F2})";
})));
Charts.Scatter(Path.Combine(output, "latent-space.png"), "Latent means of the 10,000 test images, 2-unit VAE", "latent 1", "latent 2",
    means.Select((m, i) => ((double)m[0], (double)m[1], (int)testClasses[i])).ToList(), classNames);

// The decoder across the plane: a 12 x 12 grid of latent vectors from -2 to 2 (the prior's bulk), decoded.
const int gridSize = 12;
float Coordinate(int k) => -2f + 4f * k / (gridSize - 1);
var grid = new float[gridSize * gridSize * 2];
for (int r = 0; r < gridSize; r++)
{
    for (int c = 0; c < gridSize; c++)
    {
        grid[(r * gridSize + c) * 2] = Coordinate(c);                // latent 1 grows to the right
        grid[(r * gridSize + c) * 2 + 1] = Coordinate(gridSize - 1 - r); // latent 2 grows upward, as in the scatter plot
    }
}

FeatureMatrix manifold = vae2.Model.Decode(new FeatureMatrix(grid, 2));
ImageGrid.Save(Path.Combine(output, "latent-grid.png"), "The 2-unit VAE's decoder on a grid: latent 1 from -2 (left) to 2, latent 2 (rows)",
    Enumerable.Range(0, gridSize).Select(r => (IReadOnlyList<Tile>)Enumerable.Range(0, gridSize).Select(c => new Tile(manifold.Row(r * gridSize + c).ToArray())).ToList()).ToList(),
    side, side, rowLabels: Enumerable.Range(0, gridSize).Select(r => $"{Coordinate(gridSize - 1 - r):+0.0;-0.0;0}").ToList(), scale: 2);

var history = vae.TrainingHistory;
var history2 = vae2.TrainingHistory;
Charts.LineChart(Path.Combine(output, "loss.png"), "Training the VAEs", "epoch", "training loss (negative ELBO)",
    new Series($"{codeSize} latent units", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.TrainingLoss).ToList()),
    new Series("2 latent units", history2.Select(h => (double)h.Epoch).ToList(), history2.Select(h => h.TrainingLoss).ToList()));

Console.WriteLine($"Pictures: {Path.Combine(output, "prior-samples.png")}, interpolation.png, latent-space.png, latent-grid.png, loss.png");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");

static IEnumerable<ImageRow> Rows(FeatureMatrix images) =>
    Enumerable.Range(0, images.RowCount).Select(i => new ImageRow { Features = images.Row(i).ToArray() });
