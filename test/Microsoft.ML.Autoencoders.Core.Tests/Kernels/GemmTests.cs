using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders.Tests.Kernels;

[TestClass]
public sealed class GemmTests
{
    public static IEnumerable<object[]> Cases()
    {
        int[][] shapes = [[1, 1, 1], [7, 13, 5], [1025, 3, 257], [3, 1025, 257], [64, 300, 784], [257, 33, 0]];
        foreach (GemmKernel kernel in new[] { GemmKernel.Portable, GemmKernel.Avx2, GemmKernel.Avx512 })
        {
            foreach (int[] s in shapes)
            {
                foreach (bool ta in new[] { false, true })
                {
                    foreach (bool tb in new[] { false, true })
                    {
                        yield return [kernel.ToString(), s[0], s[1], s[2], ta, tb];
                    }
                }
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Multiply_AnyShapeAndTranspose_MatchesNaiveReference(string kernelName, int m, int n, int k, bool transposeA, bool transposeB)
    {
        GemmKernel kernel = Enum.Parse<GemmKernel>(kernelName);
        if (!GemmKernelShape.IsSupported(kernel))
        {
            Assert.Inconclusive($"This CPU cannot run the {kernel} kernel.");
        }

        var random = new Random(m * 31 + n * 7 + k);
        float[] a = RandomArray(random, m * k);
        float[] b = RandomArray(random, k * n);
        float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();

        GemmKernel previous = Gemm.Kernel;
        try
        {
            Gemm.Kernel = kernel;
            Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, c);
        }
        finally
        {
            Gemm.Kernel = previous;
        }

        double[] expected = Reference(m, n, k, a, transposeA, b, transposeB);
        for (int i = 0; i < m * n; i++)
        {
            Assert.AreEqual(expected[i], c[i], 1e-4 * Math.Sqrt(k + 1), $"C[{i / n}, {i % n}]");
        }
    }

    [TestMethod]
    public void Multiply_WithBiasAndActivation_AppliesEpilogueAfterFullSum()
    {
        const int m = 70, n = 45, k = 600;
        var random = new Random(5);
        float[] a = RandomArray(random, m * k);
        float[] b = RandomArray(random, k * n);
        float[] bias = RandomArray(random, n);
        float[] c = new float[m * n];

        Gemm.Multiply(m, n, k, a, false, b, false, c, bias, Activation.Sigmoid);

        double[] expected = Reference(m, n, k, a, false, b, false);
        for (int i = 0; i < m * n; i++)
        {
            double sigmoid = 1 / (1 + Math.Exp(-(expected[i] + bias[i % n])));
            Assert.AreEqual(sigmoid, c[i], 1e-4, $"C[{i / n}, {i % n}]");
        }
    }

    [TestMethod]
    public void Multiply_RepeatedRuns_AreBitIdentical()
    {
        const int m = 512, n = 384, k = 784;
        var random = new Random(9);
        float[] a = RandomArray(random, m * k);
        float[] b = RandomArray(random, k * n);
        float[] first = new float[m * n];
        float[] second = new float[m * n];

        Gemm.Multiply(m, n, k, a, false, b, false, first);
        Gemm.Multiply(m, n, k, a, false, b, false, second);

        CollectionAssert.AreEqual(first, second);
    }

    [TestMethod]
    public void Multiply_AWithZeroSteps_SkipsThemAndMatchesTheDenseSumBitForBit()
    {
        // Row-major A is read in place and its all-zero steps skipped; transposed A is packed and every step multiplied.
        // Both add the steps in the same order, so skipping the zero products must not change a single bit.
        if (!GemmKernelShape.IsSupported(GemmKernel.Avx512))
        {
            Assert.Inconclusive("This CPU cannot run the AVX-512 kernel, the one that reads A in place.");
        }

        const int m = 1003, n = 300, k = 784;
        var random = new Random(17);
        float[] a = RandomArray(random, m * k);
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                // Zero borders in every row (as in images), whole zero rows, half the rest zero, some of them negative zero.
                bool zero = p < 60 || p >= k - 60 || i % 9 == 4 || random.NextDouble() < 0.5;
                if (zero)
                {
                    a[i * k + p] = random.NextDouble() < 0.3 ? -0f : 0f;
                }
            }
        }

        float[] transposed = new float[k * m];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                transposed[p * m + i] = a[i * k + p];
            }
        }

        float[] b = RandomArray(random, k * n);
        float[] skipping = new float[m * n];
        float[] dense = new float[m * n];
        Gemm.Multiply(m, n, k, a, false, b, false, skipping);
        Gemm.Multiply(m, n, k, transposed, true, b, false, dense);

        CollectionAssert.AreEqual(dense, skipping);
        double[] expected = Reference(m, n, k, a, false, b, false);
        Assert.AreEqual(expected[5 * n + 7], skipping[5 * n + 7], 1e-4 * Math.Sqrt(k + 1));
        Assert.AreEqual(0f, skipping[4 * n + 3], "row 4 of A is all zero");
    }

    [TestMethod]
    public void Multiply_NaNAmongZeroSteps_StillPropagates()
    {
        const int m = 16, n = 32, k = 40;
        float[] a = new float[m * k];
        a[3 * k + 11] = float.NaN;
        a[9 * k + 20] = float.PositiveInfinity;
        float[] b = Enumerable.Repeat(0.5f, k * n).ToArray();
        float[] c = new float[m * n];

        Gemm.Multiply(m, n, k, a, false, b, false, c);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float expected = i == 3 ? float.NaN : i == 9 ? float.PositiveInfinity : 0f;
                Assert.AreEqual(expected, c[i * n + j], $"C[{i}, {j}]");
            }
        }
    }

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    private static double[] Reference(int m, int n, int k, float[] a, bool transposeA, float[] b, bool transposeB)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transposeA ? a[p * m + i] : a[i * k + p];
                    double y = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                }

                c[i * n + j] = sum;
            }
        }

        return c;
    }
}
