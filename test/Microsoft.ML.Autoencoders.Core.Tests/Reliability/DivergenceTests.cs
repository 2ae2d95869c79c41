using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Reliability;

/// <summary>Issue 7, divergence: a learning rate that blows up is caught within one batch, and no NaN reaches the model.</summary>
[TestClass]
public sealed class DivergenceTests
{
    private static readonly AutoencoderArchitecture Small = new(10, [6], 3, null, Activation.Relu, Activation.Identity, Activation.Identity);

    [TestMethod]
    public void Train_BlowUpLearningRate_DivergesWithinOneBatchAndKeepsFiniteWeights()
    {
        // 16 rows in batches of 16: every epoch is exactly one batch, so the epoch number counts batches.
        FeatureMatrix train = AutoencoderTrainerTests.Gaussian(16, 10, seed: 21);
        foreach (float learningRate in new[] { 1e3f, 1e6f, 1e12f, 1e20f, 1e30f })
        {
            foreach (Optimizer optimizer in new[] { Optimizer.Sgd, Optimizer.Adam })
            {
                var options = new TrainingOptions { Epochs = 50, BatchSize = 16, LearningRate = learningRate, Optimizer = optimizer, Seed = 3 };
                TrainingResult result = new AutoencoderTrainer(Small, options).Train(train);
                string what = $"{optimizer} at {learningRate}: {result.StopReason}, {result.History.Count} epochs, {result.Message}";
                if (result.StopReason != TrainingStopReason.Diverged)
                {
                    // Adam's steps are bounded by the learning rate; a rate that does not blow up must still leave finite weights.
                    Assert.AreEqual(TrainingStopReason.Completed, result.StopReason, what);
                }
                else
                {
                    // The step that made the weights unusable is the last one that ran: the batch after it (or the end of its epoch) stops training.
                    StringAssert.Contains(result.Message, $"diverged in epoch {result.History.Count + 1}, batch 1", what);
                    StringAssert.Contains(result.Message, "Lower LearningRate", what);
                    StringAssert.Contains(result.Message, "GradientClipNorm", what);
                }

                Assert.IsTrue(result.Model.Parameters.ToArray().All(float.IsFinite), what);
                Assert.IsTrue(result.Model.Score(train).All(float.IsFinite), $"a non-finite score: {what}");
                Assert.IsTrue(result.Model.Reconstruct(train).Values.ToArray().All(float.IsFinite), $"a non-finite reconstruction: {what}");
            }
        }
    }

    [TestMethod]
    public void Train_SgdBlowUp_IsDetectedAtTheNextBatch()
    {
        FeatureMatrix train = AutoencoderTrainerTests.Gaussian(16, 10, seed: 22);
        var options = new TrainingOptions { Epochs = 50, BatchSize = 16, LearningRate = 1e12f, Optimizer = Optimizer.Sgd, Momentum = 0f };

        TrainingResult result = new AutoencoderTrainer(Small, options).Train(train);

        Assert.AreEqual(TrainingStopReason.Diverged, result.StopReason, result.Message);
        Assert.IsLessThanOrEqualTo(1, result.History.Count, "more than one batch ran after the weights blew up");
        Assert.IsTrue(result.Model.Parameters.ToArray().All(float.IsFinite));
        Assert.IsTrue(result.Model.Score(train).All(float.IsFinite));
    }

    [TestMethod]
    public void Train_DivergenceAfterGoodEpochs_KeepsTheBestEpoch()
    {
        // A rate that trains for a while with SGD and then explodes when the momentum builds up.
        FeatureMatrix train = AutoencoderTrainerTests.Gaussian(64, 10, seed: 23);
        TrainingResult? diverged = null;
        foreach (float learningRate in new[] { 0.3f, 0.5f, 1f, 2f, 4f })
        {
            var options = new TrainingOptions { Epochs = 60, BatchSize = 64, LearningRate = learningRate, Optimizer = Optimizer.Sgd, Momentum = 0.9f, Seed = 4 };
            TrainingResult result = new AutoencoderTrainer(Small, options).Train(train);
            Assert.IsTrue(result.Model.Score(train).All(float.IsFinite), result.Message);
            if (result.StopReason == TrainingStopReason.Diverged && result.BestEpoch > 0)
            {
                diverged = result;
                break;
            }
        }

        Assert.IsNotNull(diverged, "no rate trained for a while before diverging");
        StringAssert.Contains(diverged.Message, $"kept the weights of epoch {diverged.BestEpoch}, the best");
        double best = diverged.History.Min(r => r.TrainingLoss);
        Assert.IsTrue(double.IsFinite(best));
    }
}
