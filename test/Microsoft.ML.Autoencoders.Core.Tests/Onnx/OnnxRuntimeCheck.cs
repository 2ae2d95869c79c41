using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Autoencoders.Tests.Onnx;

/// <summary>
/// Runs an exported model in ONNX Runtime and compares every output with the engine's, row by row. The error of a vector output is normwise
/// relative (the largest difference in a row over the largest magnitude in the engine's row, or 1e-20 if that is smaller); a score's is relative. Rows the model cannot use
/// (NaN, infinity, magnitude above 1e18) must match exactly in score, label and the infinity/NaN pattern of their feature errors; their code and
/// reconstruction mean nothing in either and are not compared.
/// </summary>
internal static class OnnxRuntimeCheck
{
    public const double Tolerance = 1e-5;

    private const double ZeroBelow = 1e-20;

    /// <summary>Exports, runs and compares; returns the largest error per output, and prints them under <paramref name="member"/>.</summary>
    public static Dictionary<string, double> ExportAndCompare(string member, AutoencoderModel model, FeatureMatrix rows, float threshold)
    {
        var stream = new MemoryStream();
        model.ExportOnnx(stream, new OnnxExportOptions { Threshold = threshold });
        using var session = new InferenceSession(stream.ToArray());
        Dictionary<string, float[]> onnx = Run(session, rows);

        // Kept for inspection with other ONNX tools (Netron, onnx.checker).
        string kept = Path.Combine(Path.GetTempPath(), "onnx-export-tests");
        Directory.CreateDirectory(kept);
        File.WriteAllBytes(Path.Combine(kept, string.Concat(member.Select(c => char.IsLetterOrDigit(c) ? c : '-')) + ".onnx"), stream.ToArray());
        int n = model.InputSize, count = rows.RowCount;
        var codes = new float[count * model.CodeSize];
        var reconstructions = new float[count * n];
        var scores = new float[count];
        var errors = new float[count * n];
        model.Run(rows.Values, codes, reconstructions, scores, errors);

        var worst = new Dictionary<string, double> { ["Encoded"] = 0, ["Reconstruction"] = 0, ["Score"] = 0, ["FeatureErrors"] = 0 };
        var worstRow = new Dictionary<string, int>();
        bool[] labels = onnx["PredictedLabel"].Select(v => v != 0).ToArray();
        for (int r = 0; r < count; r++)
        {
            bool unusable = rows.Row(r).ToArray().Any(v => !(MathF.Abs(v) <= FeatureMatrix.MaxMagnitude));
            // The label is the ONNX score against the threshold, and the engine's label unless the two scores lie on either side of it.
            Assert.AreEqual(onnx["Score"][r] > threshold, labels[r], $"{member}: row {r}'s predicted label against its ONNX score {onnx["Score"][r]}, threshold {threshold}");
            if (Relative(threshold, scores[r]) > Tolerance)
            {
                Assert.AreEqual(scores[r] > threshold, labels[r], $"{member}: row {r}'s predicted label (score {scores[r]}, ONNX score {onnx["Score"][r]}, threshold {threshold})");
            }

            if (unusable)
            {
                Assert.AreEqual(AutoencoderModel.UnusableRowScore, onnx["Score"][r], $"{member}: unusable row {r}'s score");
                for (int j = 0; j < n; j++)
                {
                    float expected = errors[r * n + j], actual = onnx["FeatureErrors"][r * n + j];
                    Assert.IsTrue(expected.Equals(actual), $"{member}: unusable row {r}, feature {j}: error {actual}, engine {expected}");
                }

                continue;
            }

            void Note(string output, double error)
            {
                if (!(error <= worst[output]))
                {
                    worst[output] = error;
                    worstRow[output] = r;
                }
            }

            Note("Score", Relative(onnx["Score"][r], scores[r]));
            Note("Encoded", Normwise(onnx["Encoded"].AsSpan(r * model.CodeSize, model.CodeSize), codes.AsSpan(r * model.CodeSize, model.CodeSize)));
            Note("Reconstruction", Normwise(onnx["Reconstruction"].AsSpan(r * n, n), reconstructions.AsSpan(r * n, n)));
            Note("FeatureErrors", Normwise(onnx["FeatureErrors"].AsSpan(r * n, n), errors.AsSpan(r * n, n)));
        }

        Console.WriteLine($"{member}: largest error against the engine over {count} rows: " + string.Join(", ", worst.Select(w => $"{w.Key} {w.Value:E2}" + (worstRow.TryGetValue(w.Key, out int row) ? $" (row {row})" : ""))));
        foreach ((string output, double error) in worst)
        {
            Assert.IsLessThanOrEqualTo(Tolerance, error, $"{member}: {output} differs from the engine's by {error:E2} in row {worstRow[output]}");
        }

        return worst;
    }

    /// <summary>Every output of <paramref name="session"/> for <paramref name="rows"/>, flattened; booleans as 0 and 1.</summary>
    public static Dictionary<string, float[]> Run(InferenceSession session, FeatureMatrix rows)
    {
        var input = new DenseTensor<float>(rows.Values.ToArray(), [rows.RowCount, rows.ColumnCount]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        return results.ToDictionary(
            r => r.Name,
            r => r.ElementType == TensorElementType.Bool ? r.AsTensor<bool>().Select(b => b ? 1f : 0f).ToArray() : r.AsTensor<float>().ToArray());
    }

    /// <summary>Rows that test the edges: zeros, large and the largest usable magnitudes, and the unusable kinds (NaN, infinities, above 1e18).</summary>
    public static FeatureMatrix EdgeRows(int n)
    {
        float[][] rows =
        [
            new float[n],
            Enumerable.Repeat(1e12f, n).ToArray(),
            Enumerable.Range(0, n).Select(j => j % 2 == 0 ? 1e17f : -3e16f).ToArray(),
            Enumerable.Range(0, n).Select(j => j == n / 2 ? FeatureMatrix.MaxMagnitude : 0.5f).ToArray(),
            Enumerable.Range(0, n).Select(j => j == 1 ? float.NaN : 0.5f).ToArray(),
            Enumerable.Range(0, n).Select(j => j == 0 ? float.PositiveInfinity : j == n - 1 ? float.NegativeInfinity : 0.25f).ToArray(),
            Enumerable.Range(0, n).Select(j => j % 7 == 3 ? 2e18f : 0.1f).ToArray(),
        ];
        return new FeatureMatrix(rows.SelectMany(r => r).ToArray(), n);
    }

    /// <summary><paramref name="data"/> followed by <see cref="EdgeRows"/>.</summary>
    public static FeatureMatrix WithEdgeRows(FeatureMatrix data) =>
        new([.. data.Values, .. EdgeRows(data.ColumnCount).Values], data.ColumnCount);

    private static double Relative(float actual, float expected) =>
        actual == expected ? 0 : Math.Abs((double)actual - expected) / Math.Max(Math.Abs((double)expected), double.Epsilon);

    private static double Normwise(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double difference = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i].Equals(expected[i]))
            {
                scale = Math.Max(scale, Math.Abs((double)expected[i]));
                continue;
            }

            difference = Math.Max(difference, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }

        // Magnitudes below 1e-20 count as zero: a saturated sigmoid gives 1e-38 in one runtime and 0 in another.
        return difference == 0 ? 0 : difference / Math.Max(scale, ZeroBelow);
    }
}
