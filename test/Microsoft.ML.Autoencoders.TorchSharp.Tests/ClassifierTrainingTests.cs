namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// The fine-tuned classifier trains on TorchSharp (on the CPU here) through the backend contract's classifier session: from the same encoder,
/// head and batches as the engine, it learns the same classifier; with its own masking and dropout draws, one as accurate.
/// </summary>
[TestClass]
public sealed class ClassifierTrainingTests
{
    private static readonly Lazy<(FeatureMatrix Images, byte[] Labels)> Train = new(() => FashionMnist.Read("train", 1000));
    private static readonly Lazy<(FeatureMatrix Images, byte[] Labels)> Test = new(() => FashionMnist.Read("t10k", 2000));
    private static readonly Lazy<AutoencoderModel> Autoencoder = new(() => TrainingBackend.Engine.Train(
        new AutoencoderArchitecture(784, [64], 16, null, Activation.Relu, Activation.Identity, Activation.Sigmoid),
        new TrainingOptions { Epochs = 5, BatchSize = 50, Seed = 1 }, Train.Value.Images).Model);

    private static readonly TrainingBackend Torch = new TorchSharpBackend(TorchDevice.Cpu);

    [TestMethod]
    [DataRow(0, DisplayName = "encoder trained from the first epoch")]
    [DataRow(4, DisplayName = "encoder frozen for every epoch")]
    public void Train_WithoutRandomness_MatchesTheEngine(int frozenEpochs)
    {
        var options = new ClassifierTrainingOptions { Epochs = 4, FrozenEncoderEpochs = frozenEpochs, InputMaskingRate = 0f, CodeDropoutRate = 0f, Seed = 2 };

        FineTunedClassifier torch = Fit(options, Torch);
        FineTunedClassifier engine = Fit(options, TrainingBackend.Engine);

        float[] torchScores = Scores(torch), engineScores = Scores(engine);
        double largest = torchScores.Zip(engineScores, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"frozen {frozenEpochs}: largest probability difference {largest:G3}, accuracy TorchSharp {Accuracy(torchScores):P2}, engine {Accuracy(engineScores):P2}");
        Assert.IsLessThan(1e-4, largest, "the same start, batches and rates must give the same class probabilities up to rounding");
    }

    [TestMethod]
    public void Train_Defaults_LearnsAsWellAsTheEngine()
    {
        var options = new ClassifierTrainingOptions { Epochs = 30, FrozenEncoderEpochs = 2, Seed = 3 };

        double torch = Accuracy(Scores(Fit(options, Torch)));
        double engine = Accuracy(Scores(Fit(options, TrainingBackend.Engine)));

        Console.WriteLine($"accuracy on 2,000 test images: TorchSharp {torch:P2}, engine {engine:P2}");
        Assert.IsGreaterThan(0.7, torch, "1,000 labelled images of 10 classes");
        Assert.AreEqual(engine, torch, 0.02, "masking and dropout are drawn differently, but learn as much");
    }

    [TestMethod]
    public void Train_LogisticHead_MatchesTheEngineAndSeparatesTwoClasses()
    {
        (FeatureMatrix images, byte[] labels) = Train.Value;
        int[] trousers = labels.Select(l => l == 1 ? 1 : 0).ToArray();
        var options = new ClassifierTrainingOptions { Epochs = 10, FrozenEncoderEpochs = 0, InputMaskingRate = 0f, CodeDropoutRate = 0f, Seed = 4 };

        float[] torch = Logits(FineTunedClassifier.Train(Autoencoder.Value, images, trousers, ClassifierHead.Logistic, 2, options, Torch));
        float[] engine = Logits(FineTunedClassifier.Train(Autoencoder.Value, images, trousers, ClassifierHead.Logistic, 2, options, TrainingBackend.Engine));

        double correct = torch.Where((z, i) => z > 0 == (Test.Value.Labels[i] == 1)).Count() / (double)torch.Length;
        double largest = torch.Zip(engine, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"trousers against the rest: {correct:P2} of 2,000 test images; largest logit difference from the engine {largest:G3}");
        Assert.IsGreaterThan(0.97, correct, "trousers against the rest");
        Assert.IsLessThan(1e-3, largest, "the same start, batches and rates must give the same logits up to rounding");
    }

    private static FineTunedClassifier Fit(ClassifierTrainingOptions options, TrainingBackend backend) =>
        FineTunedClassifier.Train(Autoencoder.Value, Train.Value.Images, Train.Value.Labels.Select(l => (int)l).ToArray(), ClassifierHead.Softmax, 10, options, backend);

    private static float[] Logits(FineTunedClassifier classifier)
    {
        var logits = new float[Test.Value.Images.RowCount];
        classifier.Score(Test.Value.Images.Values, logits);
        return logits;
    }

    private static float[] Scores(FineTunedClassifier classifier)
    {
        var scores = new float[Test.Value.Images.RowCount * classifier.ScoreSize];
        classifier.Score(Test.Value.Images.Values, scores);
        return scores;
    }

    private static double Accuracy(float[] scores)
    {
        int rows = Test.Value.Labels.Length, correct = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = scores.AsSpan(r * 10, 10);
            correct += row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)) == Test.Value.Labels[r] ? 1 : 0;
        }

        return correct / (double)rows;
    }
}
