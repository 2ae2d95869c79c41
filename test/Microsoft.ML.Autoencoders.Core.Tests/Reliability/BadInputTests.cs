using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Reliability;

/// <summary>Issue 7, bad input to the engine: every refusal names the row, feature or option, what it found and what it expected.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static readonly AutoencoderArchitecture Small = new(10, [6], 3, null, Activation.Relu, Activation.Identity, Activation.Identity);

    [TestMethod]
    public void Train_WrongWidth_ThrowsNamingBothWidths()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Small).Train(AutoencoderTrainerTests.Gaussian(20, 7, seed: 1)));

        Assert.AreEqual("training", error.ParamName);
        StringAssert.Contains(error.Message, "has 7 features per row; the network expects 10");
    }

    [TestMethod]
    public void Train_ValidationOfDifferentWidth_ThrowsNamingTheValidationData()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            new AutoencoderTrainer(Small).Train(AutoencoderTrainerTests.Gaussian(20, 10, seed: 1), AutoencoderTrainerTests.Gaussian(20, 9, seed: 2)));

        Assert.AreEqual("validation", error.ParamName);
        StringAssert.Contains(error.Message, "validation data has 9 features per row; the network expects 10");
    }

    [TestMethod]
    public void Train_ZeroRows_ThrowsSayingSo()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Small).Train(new FeatureMatrix([], 10)));

        StringAssert.Contains(error.Message, "has no rows; expected at least one");
    }

    [TestMethod]
    public void Train_SingleRow_TrainsToReconstructIt()
    {
        FeatureMatrix one = AutoencoderTrainerTests.Gaussian(1, 10, seed: 3);

        TrainingResult result = new AutoencoderTrainer(Small, new TrainingOptions { Epochs = 200, LearningRate = 1e-2f }).Train(one);

        Assert.AreEqual(TrainingStopReason.Completed, result.StopReason);
        Assert.IsLessThan(0.05 * result.History[0].TrainingLoss, result.History[^1].TrainingLoss, $"{result.History[0].TrainingLoss} -> {result.History[^1].TrainingLoss}");
        Assert.IsLessThan(0.05 * result.History[0].TrainingLoss, result.Model.Score(one)[0], "the trained model scores its one row as it learned it");
    }

    [TestMethod]
    public void Train_SingleRowAllHeldOut_ThrowsNamingValidationFraction()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            new AutoencoderTrainer(Small, new TrainingOptions { ValidationFraction = 0.9f }).Train(AutoencoderTrainerTests.Gaussian(1, 10, seed: 3)));

        StringAssert.Contains(error.Message, "No training rows are left");
        StringAssert.Contains(error.Message, nameof(TrainingOptions.ValidationFraction));
    }

    [TestMethod]
    public void Train_AllConstantFeatures_TrainsToNearZeroError()
    {
        float[] values = new float[50 * 10];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 0.5f + (i % 10) * 0.25f; // each feature constant over the rows
        }

        var data = new FeatureMatrix(values, 10);
        TrainingResult result = new AutoencoderTrainer(Small, new TrainingOptions { Epochs = 60, BatchSize = 16, LearningRate = 1e-2f }).Train(data);

        Assert.AreEqual(TrainingStopReason.Completed, result.StopReason);
        float[] scores = result.Model.Score(data);
        Assert.IsTrue(scores.All(s => float.IsFinite(s) && s < 1e-2f), $"max score {scores.Max()}");
    }

    [TestMethod]
    public void Train_NonFiniteValues_ThrowNamingRowFeatureAndValue()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            float[] values = AutoencoderTrainerTests.Gaussian(40, 10, seed: 4).Values.ToArray();
            values[(27 * 10) + 8] = bad;

            var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Small).Train(new FeatureMatrix(values, 10)));

            StringAssert.Contains(error.Message, $"Row 27, feature 8 of the training data is {bad}");
            StringAssert.Contains(error.Message, "must be finite");
        }
    }

    [TestMethod]
    public void Train_ValueOf1e30_ThrowsNamingRowFeatureAndAdvisingToStandardize()
    {
        float[] values = AutoencoderTrainerTests.Gaussian(40, 10, seed: 5).Values.ToArray();
        values[(12 * 10) + 3] = -1e30f;

        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(Small).Train(new FeatureMatrix(values, 10)));

        StringAssert.Contains(error.Message, "Row 12, feature 3 of the training data is -1E+30");
        StringAssert.Contains(error.Message, "1E+18");
        StringAssert.Contains(error.Message, "Standardize");
    }

    [TestMethod]
    public void Train_LargeButAcceptedValues_EndWithAFiniteModel()
    {
        // 1e15 is below the 1e18 limit: training either completes or stops as diverged, but the model stays finite.
        float[] values = AutoencoderTrainerTests.Gaussian(40, 10, seed: 6).Values.ToArray();
        for (int i = 0; i < values.Length; i += 7)
        {
            values[i] *= 1e15f;
        }

        var data = new FeatureMatrix(values, 10);
        foreach (Optimizer optimizer in Enum.GetValues<Optimizer>())
        {
            TrainingResult result = new AutoencoderTrainer(Small, new TrainingOptions { Epochs = 5, BatchSize = 8, Optimizer = optimizer }).Train(data);

            Assert.IsTrue(result.Model.Parameters.ToArray().All(float.IsFinite), $"{optimizer}: {result.Message}");
            Assert.IsTrue(result.Model.Score(data).All(s => !float.IsNaN(s)), $"{optimizer}: {result.Message}");
        }
    }

    [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheOption()
    {
        (TrainingOptions Options, string Name)[] cases =
        [
            (new TrainingOptions { Epochs = -1 }, nameof(TrainingOptions.Epochs)),
            (new TrainingOptions { Epochs = 0 }, nameof(TrainingOptions.Epochs)),
            (new TrainingOptions { BatchSize = 0 }, nameof(TrainingOptions.BatchSize)),
            (new TrainingOptions { LearningRate = float.NaN }, nameof(TrainingOptions.LearningRate)),
            (new TrainingOptions { LearningRate = -1e-3f }, nameof(TrainingOptions.LearningRate)),
            (new TrainingOptions { ValidationFraction = 1f }, nameof(TrainingOptions.ValidationFraction)),
            (new TrainingOptions { EarlyStoppingPatience = -2 }, nameof(TrainingOptions.EarlyStoppingPatience)),
            (new TrainingOptions { GradientClipNorm = float.PositiveInfinity }, nameof(TrainingOptions.GradientClipNorm)),
            (new TrainingOptions { Optimizer = (Optimizer)42 }, nameof(TrainingOptions.Optimizer)),
        ];
        foreach ((TrainingOptions options, string name) in cases)
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderTrainer(Small, options), name);
            Assert.AreEqual(name, error.ParamName);
            StringAssert.Contains(error.Message, name);
        }
    }

    [TestMethod]
    public void Architecture_NonPositiveSizes_ThrowNamingTheSize()
    {
        Assert.AreEqual(nameof(AutoencoderArchitecture.CodeSize), Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderArchitecture(10, [6], 0)).ParamName);
        Assert.AreEqual(nameof(AutoencoderArchitecture.InputSize), Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderArchitecture(-3, [6], 2)).ParamName);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderArchitecture(10, [6, 0], 2));
        StringAssert.Contains(error.Message, "Layer 1 of EncoderHiddenSizes has size 0");
    }

    [TestMethod]
    public void Model_WrongInputLength_ThrowsNamingTheWidth()
    {
        AutoencoderModel model = new AutoencoderTrainer(Small, new TrainingOptions { Epochs = 1 }).Train(AutoencoderTrainerTests.Gaussian(8, 10, seed: 7)).Model;

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Score(new float[25], new float[2]));

        StringAssert.Contains(error.Message, "The 25 input values do not split into rows of 10 features");
    }
}
