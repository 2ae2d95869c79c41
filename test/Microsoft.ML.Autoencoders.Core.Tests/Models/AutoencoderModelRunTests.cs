using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Models;

[TestClass]
public sealed class AutoencoderModelRunTests
{
    [TestMethod]
    public void Run_AnySplitOfTheRows_GivesBitIdenticalOutputs()
    {
        // One call cuts the rows into 128-row bands for both cores, reads full 8-row panels in place and skips their all-zero
        // steps; a single row goes through the packed path that multiplies every step. Each row's outputs must not depend on
        // which rows it was run with.
        const int inputSize = 60, rows = 1001;
        var architecture = new AutoencoderArchitecture(inputSize, [48], 16, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);
        AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 2, Seed = 3 })
            .Train(AutoencoderTrainerTests.Gaussian(256, inputSize, seed: 4)).Model;
        float[] inputs = AutoencoderTrainerTests.Gaussian(rows, inputSize, seed: 5).Values.ToArray();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < inputSize; j++)
            {
                // Zero borders, as in images, and every fifth row blank.
                if (j < 8 || j >= inputSize - 8 || r % 5 == 0)
                {
                    inputs[r * inputSize + j] = 0f;
                }
            }
        }

        (float[] Codes, float[] Reconstructions, float[] Scores, float[] Errors) whole = RunInPieces(model, inputs, rows);
        foreach (int piece in new[] { 1, 7, 128, 300 })
        {
            (float[] Codes, float[] Reconstructions, float[] Scores, float[] Errors) split = RunInPieces(model, inputs, piece);
            CollectionAssert.AreEqual(whole.Codes, split.Codes, $"codes, {piece} rows per call");
            CollectionAssert.AreEqual(whole.Reconstructions, split.Reconstructions, $"reconstructions, {piece} rows per call");
            CollectionAssert.AreEqual(whole.Scores, split.Scores, $"scores, {piece} rows per call");
            CollectionAssert.AreEqual(whole.Errors, split.Errors, $"feature errors, {piece} rows per call");
        }

        int n = model.InputSize;
        for (int r = 0; r < whole.Scores.Length; r++)
        {
            // The score is the row's mean squared reconstruction error.
            double expected = 0;
            for (int j = 0; j < n; j++)
            {
                double d = inputs[r * n + j] - whole.Reconstructions[r * n + j];
                expected += d * d / n;
            }

            Assert.AreEqual(expected, whole.Scores[r], 1e-5 * expected + 1e-7, $"row {r}");
        }

        Assert.IsFalse(whole.Reconstructions.AsSpan(0, model.InputSize).SequenceEqual(whole.Reconstructions.AsSpan(model.InputSize, model.InputSize)), "a blank row and a full row share a reconstruction");
    }

    private static (float[] Codes, float[] Reconstructions, float[] Scores, float[] Errors) RunInPieces(AutoencoderModel model, float[] inputs, int piece)
    {
        int n = model.InputSize, c = model.CodeSize;
        int rows = inputs.Length / n;
        var codes = new float[rows * c];
        var reconstructions = new float[rows * n];
        var scores = new float[rows];
        var errors = new float[rows * n];
        for (int start = 0; start < rows; start += piece)
        {
            int count = Math.Min(piece, rows - start);
            model.Run(
                inputs.AsSpan(start * n, count * n),
                codes.AsSpan(start * c, count * c),
                reconstructions.AsSpan(start * n, count * n),
                scores.AsSpan(start, count),
                errors.AsSpan(start * n, count * n));
        }

        return (codes, reconstructions, scores, errors);
    }
}
