namespace Microsoft.ML.Autoencoders.Tests.Training;

/// <summary>The benchmark network learns real images, and a seed reproduces it exactly.</summary>
[TestClass]
public sealed class FashionMnistLearningTests
{
    private static readonly AutoencoderArchitecture Network =
        new(784, [256], 64, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);

    [TestMethod]
    public void Train_BenchmarkNetworkOnSubset_HeldOutErrorWellBelowMeanImage()
    {
        FeatureMatrix train = FashionMnist.Read("train", 6000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 1000).Images;
        var options = new TrainingOptions { Epochs = 4, BatchSize = 128, LearningRate = 1e-3f, Seed = 1 };

        TrainingResult result = new AutoencoderTrainer(Network, options).Train(train);

        double modelError = result.Model.Score(test).Average();
        double meanImageError = MeanImageError(train, test);
        Assert.IsLessThan(0.35 * meanImageError, modelError, $"held-out MSE {modelError:F5} against {meanImageError:F5} for the mean image");
        Assert.IsLessThan(result.History[0].TrainingLoss, result.History[^1].TrainingLoss);
    }

    [TestMethod]
    public void Train_SameSeedTwice_GivesBitIdenticalWeights()
    {
        FeatureMatrix train = FashionMnist.Read("train", 1500).Images;
        var options = new TrainingOptions { Epochs = 2, BatchSize = 100, Seed = 42, ValidationFraction = 0.1f };

        TrainingResult first = new AutoencoderTrainer(Network, options).Train(train);
        TrainingResult second = new AutoencoderTrainer(Network, options).Train(train);
        TrainingResult otherSeed = new AutoencoderTrainer(Network, new TrainingOptions { Epochs = 2, BatchSize = 100, Seed = 43, ValidationFraction = 0.1f }).Train(train);

        CollectionAssert.AreEqual(first.Model.Parameters.ToArray(), second.Model.Parameters.ToArray());
        CollectionAssert.AreNotEqual(first.Model.Parameters.ToArray(), otherSeed.Model.Parameters.ToArray());
    }

    private static double MeanImageError(FeatureMatrix train, FeatureMatrix test)
    {
        var mean = new float[train.ColumnCount];
        for (int r = 0; r < train.RowCount; r++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(mean, train.Row(r), mean);
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(mean, 1f / train.RowCount, mean);
        double total = 0;
        for (int r = 0; r < test.RowCount; r++)
        {
            float distance = System.Numerics.Tensors.TensorPrimitives.Distance(test.Row(r), mean);
            total += distance * distance / test.ColumnCount;
        }

        return total / test.RowCount;
    }
}
