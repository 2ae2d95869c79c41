namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// How linearly separable codes are: softmax regression trained on standardized training codes (minibatch gradient descent, 20 epochs,
/// batch 128, step 0.1, seeded shuffles) and the accuracy it reaches on the test codes.
/// </summary>
internal static class LinearProbe
{
    private const int Classes = 10;
    private const int Epochs = 20;
    private const int BatchSize = 128;
    private const float Step = 0.1f;

    public static double Accuracy(FeatureMatrix train, byte[] trainLabels, FeatureMatrix test, byte[] testLabels, int seed)
    {
        int width = train.ColumnCount;
        (float[] mean, float[] scale) = Standardization(train);
        float[] x = Standardize(train, mean, scale);
        var weights = new float[(width + 1) * Classes];
        var gradient = new float[weights.Length];
        var logits = new float[Classes];
        int[] order = Enumerable.Range(0, train.RowCount).ToArray();
        var random = new Random(seed);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += BatchSize)
            {
                int end = Math.Min(order.Length, start + BatchSize);
                Array.Clear(gradient);
                for (int i = start; i < end; i++)
                {
                    ReadOnlySpan<float> row = x.AsSpan(order[i] * width, width);
                    Probabilities(weights, row, logits);
                    logits[trainLabels[order[i]]] -= 1f;
                    for (int c = 0; c < Classes; c++)
                    {
                        for (int j = 0; j < width; j++)
                        {
                            gradient[j * Classes + c] += row[j] * logits[c];
                        }

                        gradient[width * Classes + c] += logits[c];
                    }
                }

                float rate = Step / (end - start);
                for (int k = 0; k < weights.Length; k++)
                {
                    weights[k] -= rate * gradient[k];
                }
            }
        }

        float[] y = Standardize(test, mean, scale);
        int correct = 0;
        for (int r = 0; r < test.RowCount; r++)
        {
            Probabilities(weights, y.AsSpan(r * width, width), logits);
            correct += Array.IndexOf(logits, logits.Max()) == testLabels[r] ? 1 : 0;
        }

        return (double)correct / test.RowCount;
    }

    private static void Probabilities(float[] weights, ReadOnlySpan<float> row, float[] output)
    {
        int width = row.Length;
        for (int c = 0; c < Classes; c++)
        {
            float sum = weights[width * Classes + c];
            for (int j = 0; j < width; j++)
            {
                sum += row[j] * weights[j * Classes + c];
            }

            output[c] = sum;
        }

        float max = output.Max();
        float total = 0f;
        for (int c = 0; c < Classes; c++)
        {
            output[c] = MathF.Exp(output[c] - max);
            total += output[c];
        }

        for (int c = 0; c < Classes; c++)
        {
            output[c] /= total;
        }
    }

    private static (float[] Mean, float[] Scale) Standardization(FeatureMatrix data)
    {
        int width = data.ColumnCount;
        var mean = new double[width];
        var square = new double[width];
        for (int r = 0; r < data.RowCount; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            for (int j = 0; j < width; j++)
            {
                mean[j] += row[j];
                square[j] += (double)row[j] * row[j];
            }
        }

        var means = new float[width];
        var scales = new float[width];
        for (int j = 0; j < width; j++)
        {
            double m = mean[j] / data.RowCount;
            double variance = square[j] / data.RowCount - m * m;
            means[j] = (float)m;
            scales[j] = variance > 1e-12 ? (float)(1 / Math.Sqrt(variance)) : 0f;
        }

        return (means, scales);
    }

    private static float[] Standardize(FeatureMatrix data, float[] mean, float[] scale)
    {
        int width = data.ColumnCount;
        var values = data.Values.ToArray();
        for (int k = 0; k < values.Length; k++)
        {
            int j = k % width;
            values[k] = (values[k] - mean[j]) * scale[j];
        }

        return values;
    }
}
