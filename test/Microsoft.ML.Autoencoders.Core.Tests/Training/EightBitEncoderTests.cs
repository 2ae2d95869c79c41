namespace Microsoft.ML.Autoencoders.Tests.Training;

/// <summary>The classic exercise: eight one-hot patterns through three sigmoid units and back.</summary>
[TestClass]
public sealed class EightBitEncoderTests
{
    [TestMethod]
    public void Train_EightOneHotPatternsThroughThreeSigmoidUnits_ReconstructsEachWithDistinctCodes()
    {
        var patterns = new float[64];
        for (int i = 0; i < 8; i++)
        {
            patterns[i * 8 + i] = 1f;
        }

        var data = new FeatureMatrix(patterns, 8);
        var architecture = new AutoencoderArchitecture(8, [], 3, [], Activation.Sigmoid, Activation.Sigmoid, Activation.Sigmoid);
        var options = new TrainingOptions { Epochs = 3000, BatchSize = 8, LearningRate = 0.05f, Loss = LossFunction.BinaryCrossEntropy, Seed = 3 };

        TrainingResult result = new AutoencoderTrainer(architecture, options).Train(data);

        FeatureMatrix reconstructions = result.Model.Reconstruct(data);
        FeatureMatrix codes = result.Model.Encode(data);
        for (int i = 0; i < 8; i++)
        {
            int argmax = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(reconstructions.Row(i));
            Assert.AreEqual(i, argmax, $"Pattern {i} reconstructs as {string.Join(", ", reconstructions.Row(i).ToArray().Select(v => v.ToString("F2")))}");
        }

        for (int i = 0; i < 8; i++)
        {
            for (int j = i + 1; j < 8; j++)
            {
                float distance = System.Numerics.Tensors.TensorPrimitives.Distance(codes.Row(i), codes.Row(j));
                Assert.IsGreaterThan(0.1f, distance, $"Codes of patterns {i} and {j} are {distance} apart");
            }
        }
    }
}
