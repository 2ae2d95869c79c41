// Denoising on Fashion-MNIST: train a denoising autoencoder (each training batch corrupted afresh, the loss aimed at the
// clean images), then corrupt held-out test images the same way, clean them up with the model, and measure how much
// closer to the clean images the reconstructions are than the noisy inputs (PSNR), beside the same network trained as a plain
// autoencoder, with a picture of noisy / cleaned / clean. Arguments: noise kind (gaussian, masking, saltandpepper), level, training images.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;

NoiseKind noise = args.Length > 0 ? Enum.Parse<NoiseKind>(args[0], ignoreCase: true) : NoiseKind.Gaussian;
float noiseLevel = args.Length > 1 ? float.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : noise == NoiseKind.Gaussian ? 0.3f : 0.5f;
int trainCount = args.Length > 2 ? int.Parse(args[2]) : 20_000;
string output = OutputFolder.For("Denoising");
string noiseName = noise == NoiseKind.Gaussian ? $"Gaussian noise, standard deviation {noiseLevel}" : $"{noise.ToString().ToLowerInvariant()} noise on {noiseLevel * 100:0}% of the pixels";

var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);

(FeatureMatrix trainImages, _) = FashionMnist.Read("train", trainCount);
(FeatureMatrix testImages, byte[] testClasses) = FashionMnist.Read("t10k");
IDataView train = mlContext.Data.LoadFromEnumerable(Rows(trainImages));
Console.WriteLine($"Fashion-MNIST: {trainImages.RowCount:N0} training images; {noiseName}; testing on {testImages.RowCount:N0} held-out test images.");

var options = new DenoisingAutoencoderEstimator.Options
{
    EncoderHiddenSizes = [256],
    CodeSize = 64,
    OutputActivation = Activation.Sigmoid, // clean pixels are in [0, 1]
    Noise = noise,                         // training batches are corrupted afresh every epoch; the targets stay clean
    NoiseLevel = noiseLevel,
    Epochs = 15,
    BatchSize = 128,
    Seed = 3,
};
AutoencoderTransformer model = TrainingProgress.Run(mlContext, $"Training a 784-{options.EncoderHiddenSizes[0]}-{options.CodeSize} denoising autoencoder for {options.Epochs} epochs",
    () => mlContext.Autoencoders.DenoisingAutoencoder(options).Fit(train));

// For comparison: the same network trained on clean images only, as a plain autoencoder.
var plainOptions = new AutoencoderEstimator.Options
{
    EncoderHiddenSizes = options.EncoderHiddenSizes,
    CodeSize = options.CodeSize,
    OutputActivation = options.OutputActivation,
    Epochs = options.Epochs,
    BatchSize = options.BatchSize,
    Seed = options.Seed,
};
AutoencoderTransformer plain = TrainingProgress.Run(mlContext, $"Training the same network as a plain autoencoder, on clean images, for comparison",
    () => mlContext.Autoencoders.Autoencoder(plainOptions).Fit(train));

// The test images, corrupted as the training batches were (the model never saw these images, clean or noisy).
float[][] clean = Enumerable.Range(0, testImages.RowCount).Select(i => testImages.Row(i).ToArray()).ToArray();
var random = new Random(7);
float[][] noisy = clean.Select(image => Corrupt(image, noise, noiseLevel, random)).ToArray();
IDataView noisyData = mlContext.Data.LoadFromEnumerable(noisy.Select(n => new ImageRow { Features = n }));
float[][] reconstructions = Columns.ReadVectors(model.Transform(noisyData), "Reconstruction");
float[][] plainReconstructions = Columns.ReadVectors(plain.Transform(noisyData), "Reconstruction");

double[] noisyPsnr = clean.Select((c, i) => Psnr(noisy[i], c)).ToArray();
double[] cleanedPsnr = clean.Select((c, i) => Psnr(reconstructions[i], c)).ToArray();
double plainPsnr = clean.Select((c, i) => Psnr(plainReconstructions[i], c)).Average();
Console.WriteLine();
Console.WriteLine($"PSNR against the clean test images (peak 1, mean over {clean.Length:N0} images)");
Console.WriteLine($"  noisy input        {noisyPsnr.Average(),6:F2} dB");
Console.WriteLine($"  reconstruction     {cleanedPsnr.Average(),6:F2} dB");
Console.WriteLine($"  gain               {cleanedPsnr.Average() - noisyPsnr.Average(),6:F2} dB (better on {noisyPsnr.Zip(cleanedPsnr).Count(p => p.Second > p.First):N0} of {clean.Length:N0} images)");
Console.WriteLine($"  plain autoencoder  {plainPsnr,6:F2} dB (the same network trained on clean images: gain {plainPsnr - noisyPsnr.Average():F2} dB)");
Console.WriteLine("Gain by class: " + string.Join(", ", Enumerable.Range(0, 10).Select(c =>
{
    int[] members = Enumerable.Range(0, clean.Length).Where(i => testClasses[i] == c).ToArray();
    return $"{FashionMnist.ClassNames[c]} {members.Average(i => cleanedPsnr[i] - noisyPsnr[i]):F1}";
})) + " dB");

// Pictures: the loss curve, and noisy / cleaned / clean for one test image of each of the first eight classes.
var history = model.TrainingHistory;
Charts.LineChart(Path.Combine(output, "loss.png"), "Training the denoising autoencoder", "epoch", "mean squared error against the clean images",
    new Series("training", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.TrainingLoss).ToList()));
int[] shown = Enumerable.Range(0, 8).Select(c => Array.FindIndex(testClasses, k => k == c)).ToArray();
ImageGrid.Save(Path.Combine(output, "denoised.png"), $"Held-out test images: {noiseName}",
    [
        shown.Select(i => new Tile(Clip(noisy[i]), $"{noisyPsnr[i]:F1} dB")).ToList(),
        shown.Select(i => new Tile(reconstructions[i], $"{cleanedPsnr[i]:F1} dB")).ToList(),
        shown.Select(i => new Tile(clean[i], FashionMnist.ClassNames[testClasses[i]])).ToList(),
    ], FashionMnist.Side, FashionMnist.Side, rowLabels: ["noisy", "reconstructed", "clean"]);

Console.WriteLine($"Pictures: {Path.Combine(output, "loss.png")}, denoised.png");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");

static IEnumerable<ImageRow> Rows(FeatureMatrix images) =>
    Enumerable.Range(0, images.RowCount).Select(i => new ImageRow { Features = images.Row(i).ToArray() });

// The corruption the trainer applies: independent normal noise on every pixel, or a fraction of pixels set to 0 (masking)
// or to 0 or 1 (salt and pepper; the trainer uses each pixel's minimum and maximum over the training images, 0 and at most 1).
static float[] Corrupt(float[] image, NoiseKind noise, float level, Random random)
{
    var result = new float[image.Length];
    for (int i = 0; i < image.Length; i++)
    {
        result[i] = noise switch
        {
            NoiseKind.Gaussian => image[i] + level * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())),
            NoiseKind.Masking => random.NextDouble() < level ? 0f : image[i],
            NoiseKind.SaltAndPepper => random.NextDouble() < level ? (random.NextDouble() < 0.5 ? 0f : 1f) : image[i],
            _ => image[i],
        };
    }

    return result;
}

// Peak signal-to-noise ratio for pixels in [0, 1]: 10 log10(1 / mean squared error).
static double Psnr(float[] image, float[] reference)
{
    double sum = 0;
    for (int i = 0; i < image.Length; i++)
    {
        double d = image[i] - reference[i];
        sum += d * d;
    }

    return 10 * Math.Log10(1 / Math.Max(sum / image.Length, 1e-10));
}

static float[] Clip(float[] image) => image.Select(v => Math.Clamp(v, 0f, 1f)).ToArray(); // for display only
