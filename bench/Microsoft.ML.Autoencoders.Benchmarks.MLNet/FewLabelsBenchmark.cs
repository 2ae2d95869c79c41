using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Benchmarks.MLNet;

/// <summary>
/// Few labels on Fashion-MNIST: an autoencoder is pretrained on all 60,000 training images without their labels, then only 100 or 1,000 of
/// them keep a label (stratified: a tenth from each class), drawn 3 times with seeds 1 to 3. Four classifiers learn from the labelled rows and
/// are scored on the 10,000 test images: <c>LbfgsMaximumEntropy</c> on the raw pixels, on a PCA projection as wide as the code (PCA fitted on
/// the 60,000 images, like the autoencoder), and on the autoencoder's codes (each standardized first), and the fine-tuned classifier
/// (<c>mlContext.Autoencoders.FineTunedClassifier</c>, default options). Prints each method's mean test accuracy and range per label count;
/// the last line is <c>finetuned_accuracy_1000=</c> and <c>best_baseline_accuracy_1000=</c>, mean accuracies in percent. Options:
/// --hidden (512; 512x256 for two layers), --code (128), --epochs (pretraining, 15), --masking (the denoising masking fraction, 0.2), --counts (100,1000), --draws (3),
/// --autoencoder (a file to load the pretrained model from, or to save it to when absent: outside the repository), --no-baselines, and the
/// fine-tuning options --ft-epochs, --ft-lr, --ft-factor, --ft-freeze, --ft-dropout, --ft-masking, --ft-decay, --ft-batch to try others than the defaults.
/// </summary>
internal static class FewLabelsBenchmark
{
    private const int Classes = 10;

    public static int Run(string[] args)
    {
        int[] hidden = (Option(args, "--hidden") ?? "512").Split('x').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray();
        int code = Int(args, "--code", 128), epochs = Int(args, "--epochs", 15), draws = Int(args, "--draws", 3);
        float masking = Float(args, "--masking", 0.2f);
        int[] counts = (Option(args, "--counts") ?? "100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        bool baselines = !args.Contains("--no-baselines");
        var fineTuning = new FineTunedClassifierEstimator.Options();
        fineTuning.Epochs = Int(args, "--ft-epochs", fineTuning.Epochs);
        fineTuning.LearningRate = Float(args, "--ft-lr", fineTuning.LearningRate);
        fineTuning.EncoderLearningRateFactor = Float(args, "--ft-factor", fineTuning.EncoderLearningRateFactor);
        fineTuning.FrozenEncoderEpochs = Int(args, "--ft-freeze", fineTuning.FrozenEncoderEpochs);
        fineTuning.CodeDropoutRate = Float(args, "--ft-dropout", fineTuning.CodeDropoutRate);
        fineTuning.WeightDecay = Float(args, "--ft-decay", fineTuning.WeightDecay);
        fineTuning.BatchSize = Int(args, "--ft-batch", fineTuning.BatchSize);
        fineTuning.InputMaskingRate = Float(args, "--ft-masking", fineTuning.InputMaskingRate);

        var clock = Stopwatch.StartNew();
        (FeatureMatrix train, byte[] trainClasses) = FashionMnist.Read("train");
        (FeatureMatrix test, byte[] testClasses) = FashionMnist.Read("t10k");
        var mlContext = new MLContext(seed: 1);
        AutoencoderModel autoencoder = Pretrain(mlContext, train, hidden, code, epochs, masking, Option(args, "--autoencoder"));
        Console.WriteLine($"Fashion-MNIST few labels: autoencoder {autoencoder.Architecture} pretrained on {train.RowCount:N0} unlabelled images (masking {masking:P0}); {Environment.ProcessorCount} cores.");
        Console.WriteLine($"Fine-tuning: {fineTuning.Epochs} epochs, batch {fineTuning.BatchSize}, learning rate {fineTuning.LearningRate}, encoder factor {fineTuning.EncoderLearningRateFactor}, frozen {fineTuning.FrozenEncoderEpochs} epochs, code dropout {fineTuning.CodeDropoutRate}, input masking {fineTuning.InputMaskingRate}, weight decay {fineTuning.WeightDecay}.");

        var views = new List<(string Name, FeatureMatrix Train, FeatureMatrix Test)>();
        if (baselines)
        {
            views.Add(("raw pixels + L-BFGS", train, test));
            (FeatureMatrix pcaTrain, FeatureMatrix pcaTest) = Pca(mlContext, train, test, code);
            views.Add(($"PCA {code} + L-BFGS", pcaTrain, pcaTest));
            views.Add(($"AE code {code} + L-BFGS", autoencoder.Encode(train), autoencoder.Encode(test)));
        }

        var results = new Dictionary<(string Method, int Count), List<double>>();
        foreach (int count in counts)
        {
            for (int draw = 1; draw <= draws; draw++)
            {
                int[] labelled = Stratified(trainClasses, count, draw);
                foreach ((string name, FeatureMatrix trainView, FeatureMatrix testView) in views)
                {
                    var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Class")
                        .Append(mlContext.Transforms.NormalizeMeanVariance("Input", "Features"))
                        .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Input"));
                    Record(results, name, count, draw, Accuracy(mlContext, pipeline, View(mlContext, trainView, trainClasses, labelled), View(mlContext, testView, testClasses, null)));
                }

                fineTuning.Seed = draw;
                var fineTuned = mlContext.Transforms.Conversion.MapValueToKey("Label", "Class")
                    .Append(mlContext.Autoencoders.FineTunedClassifier(autoencoder, fineTuning));
                Record(results, "fine-tuned", count, draw, Accuracy(mlContext, fineTuned, View(mlContext, train, trainClasses, labelled), View(mlContext, test, testClasses, null)));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"test accuracy over 10,000 images, mean [min, max] of {draws} draws");
        Console.WriteLine($"{"method",-24}" + string.Concat(counts.Select(c => $"{c + " labels",26}")));
        foreach (string method in results.Keys.Select(k => k.Method).Distinct())
        {
            Console.WriteLine($"{method,-24}" + string.Concat(counts.Select(c => $"{Summary(results[(method, c)]),26}")));
        }

        Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F0} s.");
        int reported = counts.Contains(1000) ? 1000 : counts[^1];
        double finetuned = results[("fine-tuned", reported)].Average();
        double best = baselines ? views.Max(v => results[(v.Name, reported)].Average()) : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"finetuned_accuracy_{reported}={finetuned:F2} best_baseline_accuracy_{reported}={best:F2}"));
        return 0;
    }

    private static AutoencoderModel Pretrain(MLContext mlContext, FeatureMatrix train, int[] hidden, int code, int epochs, float masking, string? cache)
    {
        if (cache != null && File.Exists(cache))
        {
            return AutoencoderModel.Load(cache);
        }

        var clock = Stopwatch.StartNew();
        var options = new AutoencoderEstimator.Options
        {
            EncoderHiddenSizes = hidden,
            CodeSize = code,
            OutputActivation = Activation.Sigmoid,
            Noise = masking > 0 ? NoiseKind.Masking : NoiseKind.Gaussian,
            NoiseLevel = masking,
            Epochs = epochs,
            BatchSize = 128,
            Seed = 1,
        };
        IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, train.RowCount).Select(i => new ImageRow { Features = train.Row(i).ToArray() }).ToArray());
        AutoencoderModel model = mlContext.Autoencoders.Autoencoder(options).Fit(data).Model;
        Console.WriteLine($"Pretrained in {clock.Elapsed.TotalSeconds:F0} s.");
        if (cache != null)
        {
            model.Save(cache);
        }

        return model;
    }

    /// <summary>PCA of rank <paramref name="rank"/> fitted on every training image, applied to the training and the test images.</summary>
    private static (FeatureMatrix Train, FeatureMatrix Test) Pca(MLContext mlContext, FeatureMatrix train, FeatureMatrix test, int rank)
    {
        var projection = mlContext.Transforms.ProjectToPrincipalComponents("Projection", "Features", rank: rank, seed: 1).Fit(View(mlContext, train, new byte[train.RowCount], null));
        FeatureMatrix Project(FeatureMatrix images)
        {
            float[][] rows = Columns.ReadVectors(projection.Transform(View(mlContext, images, new byte[images.RowCount], null)), "Projection").ToArray();
            return new FeatureMatrix(rows.SelectMany(r => r).ToArray(), rank);
        }

        return (Project(train), Project(test));
    }

    /// <summary><paramref name="count"/> row numbers, a tenth of them from each class, drawn with seed <paramref name="seed"/>.</summary>
    private static int[] Stratified(byte[] classes, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Classes)
            .SelectMany(c => Enumerable.Range(0, classes.Length).Where(i => classes[i] == c).OrderBy(_ => random.Next()).Take(count / Classes))
            .ToArray();
    }

    private static double Accuracy(MLContext mlContext, IEstimator<ITransformer> pipeline, IDataView train, IDataView test) =>
        100 * mlContext.MulticlassClassification.Evaluate(pipeline.Fit(train).Transform(test)).MicroAccuracy;

    private static void Record(Dictionary<(string, int), List<double>> results, string method, int count, int draw, double accuracy)
    {
        if (!results.TryGetValue((method, count), out List<double>? list))
        {
            results[(method, count)] = list = [];
        }

        list.Add(accuracy);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} labels, draw {draw}: {method} {accuracy:F2}%"));
    }

    private static string Summary(List<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{values.Average():F2} [{values.Min():F2}, {values.Max():F2}]");

    /// <summary>The rows <paramref name="rows"/> (all when null) of <paramref name="features"/> with their classes, as an ML.NET view.</summary>
    private static IDataView View(MLContext mlContext, FeatureMatrix features, byte[] classes, int[]? rows)
    {
        rows ??= Enumerable.Range(0, features.RowCount).ToArray();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features.ColumnCount);
        return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Class = classes[r], Features = features.Row(r).ToArray() }).ToArray(), definition);
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) => Option(args, name) is string value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static float Float(string[] args, string name, float fallback) => Option(args, name) is string value ? float.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A labelled row: its class and its features.</summary>
    private sealed class Row
    {
        public float Class { get; set; }

        public float[] Features { get; set; } = [];
    }
}
