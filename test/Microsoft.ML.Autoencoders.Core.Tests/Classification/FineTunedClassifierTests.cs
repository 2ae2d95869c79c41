using Microsoft.ML.Autoencoders.Classification;
using Microsoft.ML.Autoencoders.IO;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Tests.Family;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Tests.Classification;

/// <summary>The fine-tuned classifier: its gradient, its learning, its options, its file and its errors.</summary>
[TestClass]
public sealed class FineTunedClassifierTests
{
    private const int Width = 8;

    [TestMethod]
    [DataRow(ClassifierHead.Softmax, 3)]
    [DataRow(ClassifierHead.Logistic, 2)]
    public void Step_EncoderAndHead_MatchFiniteDifferences(ClassifierHead head, int classCount)
    {
        var network = new ClassifierNetwork([(6, 5, Activation.Tanh), (5, 4, Activation.Elu)], head, classCount);
        var random = new SeededRandom(7);
        float[] encoder = Draw(network.EncoderParameterCount, random, 0.5f);
        float[] headParameters = Draw(network.HeadParameterCount, random, 0.5f);
        const int rows = 5;
        float[] x = Draw(rows * 6, random, 1f);
        int[] labels = Enumerable.Range(0, rows).Select(r => r % classCount).ToArray();
        float[] dropout = Enumerable.Range(0, rows * 4).Select(i => i % 3 == 0 ? 0f : 1.5f).ToArray();
        var workspace = new ClassifierWorkspace(network, rows);
        var encoderGradients = new float[encoder.Length];
        var headGradients = new float[headParameters.Length];
        network.Forward(encoder, headParameters, x, rows, workspace, dropout);
        network.Loss(labels, rows, workspace);
        network.Backward(encoder, headParameters, x, rows, workspace, encoderGradients, headGradients, dropout);

        double Loss()
        {
            network.Forward(encoder, headParameters, x, rows, workspace, dropout);
            return network.Loss(labels, rows, workspace);
        }

        foreach ((float[] parameters, float[] gradients) in new[] { (encoder, encoderGradients), (headParameters, headGradients) })
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                float saved = parameters[i];
                const float step = 1e-2f;
                parameters[i] = saved + step;
                double plus = Loss();
                parameters[i] = saved - step;
                double minus = Loss();
                parameters[i] = saved;
                double numeric = (plus - minus) / (2 * step);
                Assert.AreEqual(numeric, gradients[i], 2e-3 + 2e-2 * Math.Abs(numeric), $"parameter {i} of {parameters.Length}");
            }
        }
    }

    [TestMethod]
    public void Train_ThreeSeparatedClusters_ClassifiesHeldOutRowsAbove95Percent()
    {
        (FeatureMatrix train, int[] trainLabels) = Clusters(300, seed: 1);
        (FeatureMatrix test, int[] testLabels) = Clusters(300, seed: 2);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        FineTunedClassifier classifier = FineTunedClassifier.Train(autoencoder, train, trainLabels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 30, LearningRate = 1e-2f });

        var scores = new float[test.RowCount * 3];
        classifier.Score(test.Values, scores);
        int correct = Enumerable.Range(0, test.RowCount).Count(r => ArgMax(scores.AsSpan(r * 3, 3)) == testLabels[r]);
        Assert.IsGreaterThan(0.95, correct / (double)test.RowCount, "held-out accuracy; chance is 1/3");
        Assert.AreEqual(1f, scores.AsSpan(0, 3).ToArray().Sum(), 1e-5f, "the softmax scores of a row sum to 1");
    }

    [TestMethod]
    public void Train_LogisticHead_SeparatesTwoClusters()
    {
        (FeatureMatrix train, int[] labels) = Clusters(200, seed: 3, classes: 2);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        FineTunedClassifier classifier = FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Logistic, 2, new ClassifierTrainingOptions { Epochs = 20, LearningRate = 1e-2f });

        var logits = new float[train.RowCount];
        classifier.Score(train.Values, logits);
        Assert.AreEqual(1, classifier.ScoreSize);
        int correct = Enumerable.Range(0, train.RowCount).Count(r => (logits[r] > 0 ? 1 : 0) == labels[r]);
        Assert.IsGreaterThan(0.95, correct / (double)train.RowCount);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Train_EncoderStartsAsTheAutoencodersEncoder(bool variational)
    {
        (FeatureMatrix train, _) = Clusters(100, seed: 4);
        var architecture = new AutoencoderArchitecture(Width, [6], 3, null, Activation.Tanh) { IsVariational = variational };
        AutoencoderModel autoencoder = Pretrain(architecture, train);
        (ClassifierNetwork network, float[] encoder) = ClassifierNetwork.FromAutoencoder(autoencoder, ClassifierHead.Softmax, 3);
        var workspace = new ClassifierWorkspace(network, train.RowCount);
        network.Forward(encoder, new float[network.HeadParameterCount], train.Values, train.RowCount, workspace);

        FeatureMatrix codes = autoencoder.Encode(train);
        CollectionAssert.AreEqual(codes.Values.ToArray(), workspace.Outputs[^1].AsSpan(0, codes.Values.Length).ToArray(), "the classifier's encoder gives the autoencoder's codes (a VAE's latent means)");
    }

    [TestMethod]
    public void Train_FrozenForEveryEpoch_LeavesTheEncoderUntouchedAndTrainsTheHead()
    {
        (FeatureMatrix train, int[] labels) = Clusters(100, seed: 5);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        float[] pretrained = ClassifierNetwork.FromAutoencoder(autoencoder, ClassifierHead.Softmax, 3).EncoderParameters;

        FineTunedClassifier frozen = FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 4, FrozenEncoderEpochs = 4 });
        FineTunedClassifier thawed = FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 4, FrozenEncoderEpochs = 3 });

        CollectionAssert.AreEqual(pretrained, frozen.EncoderParameters.ToArray(), "an encoder frozen for every epoch keeps the pretrained weights bit for bit");
        CollectionAssert.AreNotEqual(pretrained, thawed.EncoderParameters.ToArray(), "the encoder trains in the epoch after the frozen ones");
        Assert.IsGreaterThan(0.0, Distance(frozen.HeadParameters, new float[frozen.HeadParameters.Length]));
    }

    [TestMethod]
    public void Train_LowerEncoderLearningRateFactor_MovesTheEncoderLess()
    {
        (FeatureMatrix train, int[] labels) = Clusters(100, seed: 6);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        float[] pretrained = ClassifierNetwork.FromAutoencoder(autoencoder, ClassifierHead.Softmax, 3).EncoderParameters;
        double Moved(float factor) => Distance(pretrained, FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3,
            new ClassifierTrainingOptions { Epochs = 5, FrozenEncoderEpochs = 0, EncoderLearningRateFactor = factor }).EncoderParameters);

        double slow = Moved(0.01f), fast = Moved(1f);
        Assert.IsGreaterThan(0.0, slow);
        Assert.IsLessThan(fast / 10, slow, $"factor 0.01 moved the encoder by {slow}, factor 1 by {fast}");
    }

    [TestMethod]
    public void SaveLoad_RoundTrip_IsBitExact()
    {
        (FeatureMatrix train, int[] labels) = Clusters(100, seed: 7);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        FineTunedClassifier classifier = FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 2 });
        var saved = new MemoryStream();
        classifier.Save(saved);
        FineTunedClassifier loaded = FineTunedClassifier.Load(new MemoryStream(saved.ToArray()));
        var again = new MemoryStream();
        loaded.Save(again);

        CollectionAssert.AreEqual(saved.ToArray(), again.ToArray());
        float[] before = new float[train.RowCount * 3], after = new float[train.RowCount * 3];
        classifier.Score(train.Values, before);
        loaded.Score(train.Values, after);
        CollectionAssert.AreEqual(before, after);
    }

    [TestMethod]
    public void Score_RowWithNaNOrInfinity_ScoresNaNAndLeavesOtherRowsAlone()
    {
        (FeatureMatrix train, int[] labels) = Clusters(60, seed: 9);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        FineTunedClassifier classifier = FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 2 });
        float[] rows = train.Values[..(3 * Width)].ToArray();
        var clean = new float[9];
        classifier.Score(rows, clean);
        rows[Width + 1] = float.NaN;
        rows[2 * Width] = float.PositiveInfinity;
        var scores = new float[9];

        classifier.Score(rows, scores);

        CollectionAssert.AreEqual(clean[..3], scores[..3]);
        Assert.IsTrue(scores[3..].All(float.IsNaN), string.Join(", ", scores));
    }

    [TestMethod]
    public void Load_DamagedOrOtherFile_SaysWhat()
    {
        (FeatureMatrix train, int[] labels) = Clusters(60, seed: 7);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        byte[] bytes = Saved(FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 1 }));
        var model = new MemoryStream();
        autoencoder.Save(model);

        string Refusal(Func<Stream, object> load, byte[] file) => Assert.ThrowsExactly<InvalidDataException>(() => load(new MemoryStream(file))).Message;
        byte[] flipped = (byte[])bytes.Clone();
        flipped[40] ^= 0x10;

        StringAssert.Contains(Refusal(FineTunedClassifier.Load, new byte[40]), "not a fine-tuned classifier file");
        StringAssert.Contains(Refusal(FineTunedClassifier.Load, flipped), "checksum");
        StringAssert.Contains(Refusal(FineTunedClassifier.Load, bytes[..^3]), "more than the file holds");
        StringAssert.Contains(Refusal(FineTunedClassifier.Load, model.ToArray()), "load it with AutoencoderModel.Load");
        StringAssert.Contains(Refusal(AutoencoderModel.Load, bytes), "load it with FineTunedClassifier.Load");
        StringAssert.Contains(Refusal(FineTunedClassifier.Load, [.. "MLAECLS1"u8, .. bytes[24..]]), "MLAECLS1");
    }

    [TestMethod]
    public void Load_NonFiniteParameter_ThrowsNamingIt()
    {
        (FeatureMatrix train, int[] labels) = Clusters(60, seed: 7);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);
        byte[] payload = Saved(FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { Epochs = 1 }))[24..];
        BitConverter.GetBytes(float.NaN).CopyTo(payload, payload.Length - 4); // the head's last bias
        var resigned = new MemoryStream();
        ChecksummedFile.Write(resigned, 1, ChecksummedFile.FineTunedClassifierKind, payload); // as a file written with NaN would be

        var error = Assert.ThrowsExactly<InvalidDataException>(() => FineTunedClassifier.Load(new MemoryStream(resigned.ToArray())));

        StringAssert.Contains(error.Message, "head parameter");
        StringAssert.Contains(error.Message, "NaN");
    }

    [TestMethod]
    public void Train_BadInput_NamesTheProblem()
    {
        (FeatureMatrix train, int[] labels) = Clusters(50, seed: 8);
        AutoencoderModel autoencoder = Pretrain(new AutoencoderArchitecture(Width, [6], 3), train);

        var narrow = new FeatureMatrix(new float[50 * 7], 7);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FineTunedClassifier.Train(autoencoder, narrow, labels, ClassifierHead.Softmax, 3)).Message, "have 7 features");

        float[] values = train.Values.ToArray();
        values[3 * Width + 2] = float.NaN;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FineTunedClassifier.Train(autoencoder, new FeatureMatrix(values, Width), labels, ClassifierHead.Softmax, 3)).Message, "Row 3 holds NaN at feature 2");

        int[] bad = labels.ToArray();
        bad[4] = 3;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FineTunedClassifier.Train(autoencoder, train, bad, ClassifierHead.Softmax, 3)).Message, "Row 4 has label 3");

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Logistic, 3));
        var option = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FineTunedClassifier.Train(autoencoder, train, labels, ClassifierHead.Softmax, 3, new ClassifierTrainingOptions { FrozenEncoderEpochs = -1 }));
        Assert.AreEqual(nameof(ClassifierTrainingOptions.FrozenEncoderEpochs), option.ParamName);

        var convolutional = new AutoencoderTrainer(AutoencoderArchitecture.Convolutional(ConvolutionalTests.DenseCode), new TrainingOptions { Epochs = 1 }).Train(new FeatureMatrix(new float[4 * 72], 72)).Model;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FineTunedClassifier.Train(convolutional, new FeatureMatrix(new float[4 * 72], 72), [0, 1, 0, 1], ClassifierHead.Softmax, 2)).Message, "not a dense member");
    }

    private static AutoencoderModel Pretrain(AutoencoderArchitecture architecture, FeatureMatrix data) =>
        new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 10, BatchSize = 32, Seed = 1 }).Train(data).Model;

    /// <summary>Rows around <paramref name="classes"/> well separated centres in <see cref="Width"/> dimensions, labelled by centre.</summary>
    private static (FeatureMatrix Rows, int[] Labels) Clusters(int rows, int seed, int classes = 3)
    {
        var random = new SeededRandom(seed);
        var values = new float[rows * Width];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = r % classes;
            for (int c = 0; c < Width; c++)
            {
                float centre = c % classes == labels[r] ? 2f : -1f;
                values[r * Width + c] = centre + 0.5f * random.NextGaussian();
            }
        }

        return (new FeatureMatrix(values, Width), labels);
    }

    private static float[] Draw(int count, SeededRandom random, float scale) => Enumerable.Range(0, count).Select(_ => scale * random.NextGaussian()).ToArray();

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        }

        return Math.Sqrt(sum);
    }

    private static byte[] Saved(FineTunedClassifier classifier)
    {
        var stream = new MemoryStream();
        classifier.Save(stream);
        return stream.ToArray();
    }
}
