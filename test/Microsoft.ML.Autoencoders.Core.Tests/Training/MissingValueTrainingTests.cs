using Microsoft.ML.Autoencoders.Losses;

namespace Microsoft.ML.Autoencoders.Tests.Training;

/// <summary>Training on rows with missing values and the engine's imputer (issue 17, item 4).</summary>
[TestClass]
public sealed class MissingValueTrainingTests
{
    private const int Width = 6;
    private static readonly AutoencoderArchitecture Network = new(Width, [24], 8);
    private static readonly TrainingOptions Options = new() { Epochs = 30, BatchSize = 32, Seed = 3, Noise = NoiseKind.Masking, NoiseLevel = 0.25f };

    [TestMethod]
    public void MaskedSquaredError_ZeroWeight_AddsNoLossAndNoGradient()
    {
        float[] output = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        float[] target = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] weights = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
        float[] gradient = new float[10];

        double sum = LossKernels.MaskedSquaredError(output, target, weights, gradient, 2f);

        Assert.AreEqual(1 + 9 + 25 + 49 + 81, sum);
        CollectionAssert.AreEqual(new float[] { 2, 0, 6, 0, 10, 0, 14, 0, 18, 0 }, gradient);
    }

    [TestMethod]
    public void Impute_ObservedValues_CopiedBitForBitAndMissingFilled()
    {
        FeatureMatrix train = Hide(Structured(400, seed: 1), 0.3, seed: 2);
        (AutoencoderImputer imputer, _) = AutoencoderImputer.Train(Network, Options, train);
        FeatureMatrix rows = Hide(Structured(100, seed: 3), 0.3, seed: 4);
        float[] values = rows.Values.ToArray();
        values[0] = -0f;
        values[1] = float.PositiveInfinity; // an infinity at transform time passes through and counts as missing for the rest of its row
        values[2] = float.NaN;

        float[] filled = imputer.Impute(new FeatureMatrix(values, Width)).Values.ToArray();

        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                Assert.IsTrue(float.IsFinite(filled[i]), $"value {i} came out {filled[i]}");
            }
            else
            {
                Assert.AreEqual(BitConverter.SingleToInt32Bits(values[i]), BitConverter.SingleToInt32Bits(filled[i]), $"value {i}");
            }
        }
    }

    [TestMethod]
    public void Impute_WideRows_VectorPathCopiesObservedBitsAndFillsTheRest()
    {
        const int wide = 37; // vector blocks and a scalar tail at every vector width
        var random = new Random(5);
        float[] train = Enumerable.Range(0, 200 * wide).Select(i => random.NextDouble() < 0.3 ? float.NaN : (float)(Math.Sin(i % wide) * (i / wide % 7) + i % wide)).ToArray();
        (AutoencoderImputer imputer, _) = AutoencoderImputer.Train(new AutoencoderArchitecture(wide, [32], 16), Options, new FeatureMatrix(train, wide));
        float[] special = [-0f, float.Epsilon, -float.Epsilon, 1e18f, -1e18f, 3e18f, float.PositiveInfinity, float.NegativeInfinity, 1.0000001f, float.NaN];
        float[] values = Enumerable.Range(0, 20 * wide).Select(i => random.NextDouble() < 0.4 ? float.NaN : special[random.Next(special.Length)]).ToArray();

        float[] filled = new float[values.Length];
        imputer.Impute(values, filled);

        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                Assert.IsTrue(float.IsFinite(filled[i]), $"value {i} came out {filled[i]}");
            }
            else
            {
                Assert.AreEqual(BitConverter.SingleToInt32Bits(values[i]), BitConverter.SingleToInt32Bits(filled[i]), $"value {i}: {values[i]}");
            }
        }
    }

    [TestMethod]
    public void Impute_InPlace_SameAsIntoAnotherBuffer()
    {
        (AutoencoderImputer imputer, _) = AutoencoderImputer.Train(Network, Options, Hide(Structured(300, seed: 1), 0.3, seed: 2));
        float[] values = Hide(Structured(50, seed: 3), 0.5, seed: 4).Values.ToArray();
        float[] copy = new float[values.Length];

        imputer.Impute(values, copy);
        imputer.Impute(values, values);

        CollectionAssert.AreEqual(copy, values);
    }

    [TestMethod]
    public void Train_SameSeed_BitIdenticalImputers()
    {
        FeatureMatrix train = Hide(Structured(300, seed: 1), 0.3, seed: 2);
        FeatureMatrix rows = Hide(Structured(50, seed: 3), 0.3, seed: 4);

        float[] first = AutoencoderImputer.Train(Network, Options, train).Imputer.Impute(rows).Values.ToArray();
        float[] second = AutoencoderImputer.Train(Network, Options, train).Imputer.Impute(rows).Values.ToArray();

        CollectionAssert.AreEqual(first, second);
    }

    [TestMethod]
    public void Train_ColumnNeverObserved_ThrowsNamingIt()
    {
        float[] values = Structured(50, seed: 1).Values.ToArray();
        for (int r = 0; r < 50; r++)
        {
            values[r * Width + 2] = float.NaN;
        }

        var e = Assert.ThrowsExactly<ArgumentException>(() => AutoencoderImputer.Train(Network, Options, new FeatureMatrix(values, Width)));

        StringAssert.Contains(e.Message, "Feature 2");
    }

    [TestMethod]
    public void Train_Infinity_StaysAnError()
    {
        float[] values = Hide(Structured(50, seed: 1), 0.3, seed: 2).Values.ToArray();
        values[7 * Width + 1] = float.NegativeInfinity;

        var e = Assert.ThrowsExactly<ArgumentException>(() => AutoencoderImputer.Train(Network, Options, new FeatureMatrix(values, Width)));

        StringAssert.Contains(e.Message, "Row 7, feature 1");
    }

    [TestMethod]
    public void Train_PlainTrainer_StillRefusesNaN()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Network, Options).Train(Hide(Structured(50, seed: 1), 0.3, seed: 2)));

        StringAssert.Contains(e.Message, "NaN");
    }

    [TestMethod]
    public void Train_BinaryCrossEntropy_Refused()
    {
        var sigmoid = new AutoencoderArchitecture(Width, [24], 8, outputActivation: Activation.Sigmoid);
        var options = new TrainingOptions { Loss = LossFunction.BinaryCrossEntropy };

        var e = Assert.ThrowsExactly<ArgumentException>(() => AutoencoderImputer.Train(sigmoid, options, Structured(50, seed: 1)));

        StringAssert.Contains(e.Message, nameof(LossFunction.MeanSquaredError));
    }

    private static FeatureMatrix Structured(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * Width];
        for (int r = 0; r < rows; r++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            for (int c = 0; c < Width; c++)
            {
                values[r * Width + c] = (float)(10 * c + 3 * Math.Sin(c + 1) * a + 2 * Math.Cos(2 * c) * b + 0.05 * random.NextDouble());
            }
        }

        return new FeatureMatrix(values, Width);
    }

    private static FeatureMatrix Hide(FeatureMatrix data, double fraction, int seed)
    {
        var random = new Random(seed);
        return new FeatureMatrix(data.Values.ToArray().Select(v => random.NextDouble() < fraction ? float.NaN : v).ToArray(), data.ColumnCount);
    }
}
