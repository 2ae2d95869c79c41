using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Autoencoders.Samples;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// Stacked (layer-wise pretrained, then fine-tuned) against end-to-end training of one deep autoencoder on Fashion-MNIST, for the same total
/// epochs: the end-to-end run trains all of them on the deep network, the stacked run spends <c>--pretrain</c> epochs on each encoder layer's
/// shallow autoencoder and the rest fine-tuning. Per seed and way it prints the reconstruction MSE on the 10,000 test images and the accuracy
/// of a linear probe (softmax regression on the standardized codes of the training images) on the test images' codes.
/// </summary>
internal static class StackedBenchmark
{
    private static readonly AutoencoderArchitecture Network = new(784, [256, 128], 32, null, Activation.Relu, Activation.Identity, Activation.Sigmoid);

    public static int Run(string[] args)
    {
        string? dataDirectory = Option(args, "--data");
        int epochs = Option(args, "--epochs") is string e ? int.Parse(e, CultureInfo.InvariantCulture) : 20;
        int pretrain = Option(args, "--pretrain") is string p ? int.Parse(p, CultureInfo.InvariantCulture) : 3;
        int seeds = Option(args, "--seeds") is string s ? int.Parse(s, CultureInfo.InvariantCulture) : 3;
        int? rows = Option(args, "--rows") is string r ? int.Parse(r, CultureInfo.InvariantCulture) : null;
        int fineTune = epochs - pretrain * Network.EncoderLayerCount;
        if (fineTune <= 0)
        {
            Console.Error.WriteLine($"--epochs {epochs} leaves no fine-tuning after {pretrain} pretraining epochs for each of {Network.EncoderLayerCount} layers.");
            return 2;
        }

        (FeatureMatrix train, byte[] labels) = FashionMnist.Read("train", rows, dataDirectory);
        (FeatureMatrix test, byte[] testLabels) = FashionMnist.Read("t10k", directory: dataDirectory);
        Console.WriteLine($"stacked vs end-to-end, {Network} on {train.RowCount} Fashion-MNIST training images, {epochs} epochs in all: end to end {epochs}; stacked {pretrain} per encoder layer ({Network.EncoderLayerCount}) + {fineTune} fine-tuning. Batch 128, Adam 1e-3, MSE");
        Console.WriteLine("way          seed   test MSE   probe acc   seconds");
        var results = new Dictionary<string, List<(double Mse, double Probe)>> { ["end-to-end"] = [], ["stacked"] = [] };
        for (int seed = 0; seed < seeds; seed++)
        {
            foreach ((string way, TrainingOptions options) in new[]
            {
                ("end-to-end", new TrainingOptions { Epochs = epochs, Seed = seed }),
                ("stacked", new TrainingOptions { Epochs = fineTune, LayerwisePretrainingEpochs = pretrain, Seed = seed }),
            })
            {
                var watch = Stopwatch.StartNew();
                AutoencoderModel model = TrainingBackend.Engine.Train(Network, options, train).Model;
                double seconds = watch.Elapsed.TotalSeconds;
                double mse = model.Score(test).Average();
                double probe = LinearProbe.Accuracy(model.Encode(train), labels, model.Encode(test), testLabels, seed);
                results[way].Add((mse, probe));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{way,-12} {seed,4}   {mse,8:F5}   {100 * probe,8:F2}   {seconds,7:F1}"));
            }
        }

        foreach ((string way, List<(double Mse, double Probe)> runs) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{way,-12} mean   {runs.Average(x => x.Mse),8:F5}   {100 * runs.Average(x => x.Probe),8:F2}"));
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index < 0 ? null : index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : "";
    }
}
