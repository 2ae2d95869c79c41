using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// The least a TorchSharp user would write to train the benchmark's network: the data on the device once, batches gathered there with
/// <c>index_select</c> in a seeded shuffle, MSE, Adam, one dispose scope per step. The backend's speed is measured against it.
/// </summary>
internal static class PlainTorchSharpLoop
{
    /// <summary>Trains 784-256-64-256-784 (ReLU, ReLU code, sigmoid output) on <paramref name="data"/>; returns samples/s and each epoch's mean loss.</summary>
    public static (double SamplesPerSecond, double[] EpochLosses) Train(FeatureMatrix data, int epochs, int batchSize, float learningRate, Device device)
    {
        random.manual_seed(1);
        using var network = nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(),
            nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid());
        network.to(device);
        using optim.Optimizer adam = optim.Adam(network.parameters(), learningRate);
        using Tensor rows = tensor(data.Values.ToArray(), [data.RowCount, data.ColumnCount]).to(device);
        var shuffle = new Random(1);
        int[] order = Enumerable.Range(0, data.RowCount).ToArray();
        var indices = new long[batchSize];
        var losses = new double[epochs];

        var watch = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            shuffle.Shuffle(order);
            double sum = 0;
            for (int start = 0; start < order.Length; start += batchSize)
            {
                using DisposeScope scope = NewDisposeScope();
                int count = Math.Min(batchSize, order.Length - start);
                long[] batchIndices = count == batchSize ? indices : new long[count];
                for (int i = 0; i < count; i++)
                {
                    batchIndices[i] = order[start + i];
                }

                Tensor batch = rows.index_select(0, tensor(batchIndices).to(device));
                adam.zero_grad();
                Tensor loss = nn.functional.mse_loss(network.call(batch), batch);
                loss.backward();
                adam.step();
                sum += loss.item<float>() * count;
            }

            losses[epoch] = sum / order.Length;
        }

        return (data.RowCount * (double)epochs / watch.Elapsed.TotalSeconds, losses);
    }
}
