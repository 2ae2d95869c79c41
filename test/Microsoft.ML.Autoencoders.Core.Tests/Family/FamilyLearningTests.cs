using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Members;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Tests.Family;

/// <summary>Each member of the family does what it is for, on held-out Fashion-MNIST.</summary>
[TestClass]
public sealed class FamilyLearningTests
{
    [TestMethod]
    public void Train_DenoisingWithMasking_ReconstructsHeldOutImagesCloserToCleanThanTheNoisyInput()
    {
        FeatureMatrix train = FashionMnist.Read("train", 6000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 1000).Images;
        var architecture = new AutoencoderArchitecture(784, [256], 64, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);
        var options = new TrainingOptions { Epochs = 6, Noise = NoiseKind.Masking, NoiseLevel = 0.5f, Seed = 3 };
        AutoencoderModel model = new AutoencoderTrainer(architecture, options).Train(train).Model;

        var noisy = new float[test.Values.Length];
        var random = new SeededRandom(17);
        for (int i = 0; i < noisy.Length; i++)
        {
            noisy[i] = random.NextFloat() < 0.5f ? 0f : test.Values[i];
        }

        FeatureMatrix denoised = model.Reconstruct(new FeatureMatrix(noisy, 784));
        double noisyError = MeanSquaredDistance(noisy, test.Values);
        double denoisedError = MeanSquaredDistance(denoised.Values, test.Values);
        Console.WriteLine($"masking 0.5: noisy input MSE {noisyError:F5}, denoised MSE {denoisedError:F5}, ratio {denoisedError / noisyError:F3}");
        Assert.IsLessThan(0.4 * noisyError, denoisedError, $"denoised {denoisedError:F5} against noisy {noisyError:F5}");
    }

    [TestMethod]
    public void Train_KlSparsityOnSigmoidCode_MeanActivationNearTarget()
    {
        FeatureMatrix train = FashionMnist.Read("train", 6000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 1000).Images;
        var architecture = new AutoencoderArchitecture(784, [256], 64, null, Activation.Relu, Activation.Sigmoid, Activation.Sigmoid);
        var options = new TrainingOptions { Epochs = 6, SparsityPenalty = 0.05f, SparsityTarget = 0.05f, Seed = 4 };
        AutoencoderModel model = new AutoencoderTrainer(architecture, options).Train(train).Model;

        double mean = TensorPrimitives.Sum(model.Encode(test).Values) / (1000.0 * 64);
        Console.WriteLine($"KL sparsity target 0.05: mean held-out code activation {mean:F4}");
        Assert.AreEqual(0.05, mean, 0.02);
    }

    [TestMethod]
    public void Train_CodeL1Penalty_MakesCodesSparserThanWithout()
    {
        FeatureMatrix train = FashionMnist.Read("train", 3000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 500).Images;
        var architecture = new AutoencoderArchitecture(784, [128], 64, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);
        double Active(float penalty)
        {
            AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 4, CodeL1Penalty = penalty, Seed = 5 }).Train(train).Model;
            ReadOnlySpan<float> codes = model.Encode(test).Values;
            int active = 0;
            foreach (float c in codes)
            {
                active += c > 1e-3f ? 1 : 0;
            }

            return active / (double)codes.Length;
        }

        double plain = Active(0f), sparse = Active(1e-3f);
        Console.WriteLine($"active code fraction: plain {plain:F3}, L1 {sparse:F3}");
        Assert.IsLessThan(0.7 * plain, sparse);
    }

    [TestMethod]
    public void Train_WinnerTakeAll_ExactlyKNonZeroCodeEntriesPerRow()
    {
        FeatureMatrix train = FashionMnist.Read("train", 3000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 500).Images;
        var architecture = new AutoencoderArchitecture(784, [256], 64, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { WinnerTakeAllK = 8 };
        var options = new TrainingOptions { Epochs = 4, LifetimeSparsity = 0.2f, Seed = 6 };
        TrainingResult result = new AutoencoderTrainer(architecture, options).Train(train);

        FeatureMatrix codes = result.Model.Encode(test);
        for (int r = 0; r < codes.RowCount; r++)
        {
            int nonZero = 0;
            foreach (float c in codes.Row(r))
            {
                nonZero += c != 0f ? 1 : 0;
            }

            Assert.AreEqual(8, nonZero, $"row {r}");
        }

        Assert.IsLessThan(result.History[0].TrainingLoss, result.History[^1].TrainingLoss);
        double error = result.Model.Score(test).Average();
        Console.WriteLine($"winner-take-all k = 8 of 64, lifetime 0.2: held-out MSE {error:F5}");
        Assert.IsLessThan(0.05, error, "a k-sparse code of 8 still reconstructs (the mean image scores about 0.09)");
    }

    [TestMethod]
    public void GaussianKl_AnyMeanAndLogVariance_IsNeverNegative()
    {
        var random = new SeededRandom(8);
        var head = new float[2 * 16];
        for (int trial = 0; trial < 2000; trial++)
        {
            float scale = trial % 4 == 0 ? 1e-4f : trial % 4 == 1 ? 1f : trial % 4 == 2 ? 10f : 100f;
            for (int i = 0; i < head.Length; i++)
            {
                head[i] = scale * random.NextGaussian();
            }

            Assert.IsGreaterThanOrEqualTo(0.0, GaussianKl.Row(head, 0, 16));
        }

        Assert.AreEqual(0.0, GaussianKl.Row(new float[32], 0, 16), "q equal to the prior has zero divergence");
    }

    [TestMethod]
    public void Train_Variational_ElboImprovesAndPriorSamplesMatchDataMoments()
    {
        FeatureMatrix train = FashionMnist.Read("train", 6000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 1000).Images;
        // A small latent space: with 16 dimensions and this little training the prior covers regions the posterior never visits.
        var architecture = new AutoencoderArchitecture(784, [256], 4, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true };
        var options = new TrainingOptions { Epochs = 8, Seed = 9, ValidationFraction = 0.1f };
        TrainingResult result = new AutoencoderTrainer(architecture, options).Train(train);

        Console.WriteLine(string.Join(", ", result.History.Select(h => $"{h.TrainingLoss:F1}/{h.ValidationLoss:F1}")));
        Assert.IsLessThan(0.8 * result.History[0].TrainingLoss, result.History[^1].TrainingLoss, "the negative ELBO falls");
        Assert.IsLessThan(result.History[0].ValidationLoss!.Value, result.History[^1].ValidationLoss!.Value);

        FeatureMatrix samples = result.Model.SamplePrior(2000, seed: 1);
        (double dataMean, double dataVariance) = Moments(test.Values);
        (double sampleMean, double sampleVariance) = Moments(samples.Values);
        Console.WriteLine($"pixel mean {dataMean:F4} data, {sampleMean:F4} prior samples; variance {dataVariance:F4} data, {sampleVariance:F4} prior samples");
        Assert.AreEqual(dataMean, sampleMean, 0.15 * dataMean);
        // The decoder outputs each pixel's expected value p, which is smoother than real pixels: by the law of total variance its variance misses
        // E[Var(x | z)], so it is lower (within a factor of two). Drawing Bernoulli pixels from p instead overstates the variance of grey pixels,
        // E[p] (1 - E[p]). The data's variance must lie between the two.
        Assert.AreEqual(dataVariance, sampleVariance, 0.5 * dataVariance);
        double bernoulliVariance = sampleMean * (1 - sampleMean);
        Console.WriteLine($"Bernoulli draws from the prior samples: variance {bernoulliVariance:F4}");
        Assert.IsTrue(sampleVariance < dataVariance && dataVariance < bernoulliVariance, "the data's variance lies between the decoded means' and the Bernoulli draws'");

        float[] elbo = result.Model.Score(test);
        float[] iwae = result.Model.ImportanceWeightedScore(test, samples: 16, seed: 2);
        Console.WriteLine($"negative ELBO at the mean {elbo.Average():F2}, importance-weighted -log p(x) {iwae.Average():F2}");
        Assert.IsLessThan(elbo.Average(), iwae.Average() - 0.5, "the importance-weighted bound is tighter");
        Assert.AreEqual(result.History[^1].ValidationLoss!.Value, elbo.Average(), 0.2 * elbo.Average(), "scores are negative ELBOs");
    }

    [TestMethod]
    public void Interpolate_BetweenTwoImages_StartsAndEndsAtTheirReconstructions()
    {
        FeatureMatrix train = FashionMnist.Read("train", 2000).Images;
        var architecture = new AutoencoderArchitecture(784, [128], 8, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true };
        AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 2, Seed = 10 }).Train(train).Model;

        FeatureMatrix path = model.Interpolate(train.Row(0), train.Row(1), steps: 5);
        FeatureMatrix ends = model.Reconstruct(new FeatureMatrix([.. train.Row(0), .. train.Row(1)], 784));

        Assert.AreEqual(5, path.RowCount);
        CollectionAssert.AreEqual(ends.Row(0).ToArray(), path.Row(0).ToArray());
        CollectionAssert.AreEqual(ends.Row(1).ToArray(), path.Row(4).ToArray());
    }

    internal static double MeanSquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float distance = TensorPrimitives.Distance(a, b);
        return (double)distance * distance / a.Length;
    }

    private static (double Mean, double Variance) Moments(ReadOnlySpan<float> values)
    {
        double mean = TensorPrimitives.Sum(values) / (double)values.Length;
        double squares = TensorPrimitives.SumOfSquares(values) / (double)values.Length;
        return (mean, squares - mean * mean);
    }
}
