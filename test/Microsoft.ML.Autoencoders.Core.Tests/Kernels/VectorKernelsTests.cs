using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders.Tests.Kernels;

[TestClass]
public sealed class VectorKernelsTests
{
    [TestMethod]
    public void Sigmoid_AcrossTheFloatRange_MatchesDoublePrecisionWithinTwoMillionths()
    {
        float[] inputs = [.. Enumerable.Range(-20000, 40001).Select(i => i / 200f), -1e30f, 1e30f, float.MinValue, float.MaxValue, 0f, -0f];
        float[] bias = Enumerable.Range(0, inputs.Length).Select(i => (i % 7 - 3) * 0.25f).ToArray();
        float[] values = (float[])inputs.Clone();

        VectorKernels.Sigmoid(values, bias);

        for (int i = 0; i < inputs.Length; i++)
        {
            double x = (double)inputs[i] + bias[i];
            double expected = 1 / (1 + Math.Exp(-x));
            Assert.AreEqual(expected, values[i], 2e-6 * Math.Max(expected, 1e-3), $"sigmoid({x})");
            Assert.IsTrue(values[i] >= 0f && values[i] <= 1f, $"sigmoid({x}) = {values[i]}");
        }
    }

    [TestMethod]
    public void Sigmoid_NaN_StaysNaN()
    {
        float[] values = [float.NaN, 1f, float.NaN, 0f, 0f, 0f, 0f, 0f, 0f, float.NaN];

        VectorKernels.Sigmoid(values, default);

        Assert.IsTrue(float.IsNaN(values[0]) && float.IsNaN(values[2]) && float.IsNaN(values[9]));
        Assert.AreEqual(0.7310586f, values[1], 1e-6f);
    }

    [TestMethod]
    public void Norm_LongVector_MatchesDoublePrecision()
    {
        var random = new Random(3);
        float[] values = Enumerable.Range(0, 100_003).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        double norm = VectorKernels.Norm(values);

        Assert.AreEqual(Math.Sqrt(values.Sum(v => (double)v * v)), norm, 1e-6 * norm);
    }
}
