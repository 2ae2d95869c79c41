using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Autoencoders.Samples;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// The Fashion-MNIST benchmark of the engine against PyTorch in the same run: all 60,000 training images,
/// 784-256-64-256-784 (ReLU, sigmoid output), MSE, Adam 1e-3, batch 256, 3 epochs; then inference over the
/// 60,000 images in batches of 1024, by the engine and by ONNX Runtime on the engine's model exported to ONNX (see <see cref="OnnxRuntimePeer"/>). Other trainers (the TorchSharp backend and a plain TorchSharp loop, from their own benchmark project)
/// train the same network in the same rounds; only their training speed and losses are measured.
/// </summary>
internal static class TrainingBenchmark
{
    /// <summary>Passes over the training images.</summary>
    public const int Epochs = 3;

    /// <summary>Rows per gradient step.</summary>
    public const int BatchSize = 256;

    /// <summary>Adam's learning rate.</summary>
    public const float LearningRate = 1e-3f;

    private const int InferenceBatch = 1024;
    private static readonly int[] Layers = [784, 256, 64, 256, 784];

    /// <summary>
    /// Runs the benchmark; <paramref name="others"/> train the same network as further systems, each returning its samples/s and epoch losses.
    /// When <paramref name="reference"/> names one of them, every other one's speed is also printed as a ratio to it.
    /// </summary>
    public static int Run(string[] args, string? reference = null, params (string Name, Func<FeatureMatrix, (double SamplesPerSecond, double[] EpochLosses)> Train)[] others)
    {
        string dataDirectory = Option(args, "--data") ?? "/usr/share/datasets/fashion-mnist";
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        int? limit = Option(args, "--limit") is string l ? int.Parse(l, CultureInfo.InvariantCulture) : null;
        string images = Path.Combine(dataDirectory, "train-images-idx3-ubyte.gz");
        FeatureMatrix data = FashionMnist.Read("train", limit, dataDirectory).Images;

        double peak = MachinePeak.GflopsPerSecond();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, measured FMA peak {peak:F0} GFLOP/s; data: {data.RowCount} images x {data.ColumnCount}");

        // Both systems run in alternation, and each keeps its best round: other work on the machine only ever slows a run down.
        int rounds = Option(args, "--rounds") is string r ? int.Parse(r, CultureInfo.InvariantCulture) : 2;
        SystemResult? engine = null, pytorch = null;
        double onnxRuntime = 0;
        var results = new SystemResult?[others.Length];
        for (int round = 1; round <= rounds; round++)
        {
            (SystemResult engineRound, AutoencoderModel model) = RunEngine(data);
            engine = Best(engine, engineRound);

            // ONNX Runtime right after the engine, on the model the engine just trained: the two inference measurements alternate round by round.
            using (var ort = new OnnxRuntimePeer(model, data, InferenceBatch))
            {
                onnxRuntime = Math.Max(onnxRuntime, data.RowCount / BestOfThree(ort.ForwardAll));
            }

            Console.WriteLine($"round {round}: engine {engineRound.InferRowsPerSecond:F0} rows/s, onnxruntime {onnxRuntime:F0} rows/s (best so far)");
            for (int o = 0; o < others.Length; o++)
            {
                (double samplesPerSecond, double[] losses) = others[o].Train(data);
                results[o] = Best(results[o], new SystemResult(others[o].Name, samplesPerSecond, double.NaN, losses));
                Console.WriteLine($"round {round}: {others[o].Name} {results[o]!.TrainSamplesPerSecond:F0} samples/s (best so far)");
            }

            SystemResult? peer = RunPyTorch(python, images, limit);
            if (peer == null)
            {
                return 1;
            }

            pytorch = Best(pytorch, peer);
            Console.WriteLine($"round {round}: engine {engine.TrainSamplesPerSecond:F0} samples/s, {engine.InferRowsPerSecond:F0} rows/s; pytorch {pytorch.TrainSamplesPerSecond:F0} samples/s, {pytorch.InferRowsPerSecond:F0} rows/s (best so far)");
        }

        if (engine == null || pytorch == null)
        {
            Console.Error.WriteLine("--rounds must be at least 1.");
            return 2;
        }

        Console.WriteLine("GFLOP/s count the dense network's multiply-adds; the engine skips those whose input is zero for all 8 rows of a panel, so its figure is dense work per second.");
        Print(engine, peak);
        Print(pytorch, peak);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"onnxruntime",-10} infer {onnxRuntime,9:F0} rows/s ({onnxRuntime * 2 * Macs() / 1e9:F0} GFLOP/s, {onnxRuntime * 2 * Macs() / 1e9 / peak:P0} of peak): ONNX Runtime {OnnxRuntimeVersion()}, CPU provider, 2 intra-op threads, optimization ALL, batch {InferenceBatch}"));
        foreach (SystemResult? other in results)
        {
            Print(other!, peak);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train_ratio={engine.TrainSamplesPerSecond / pytorch.TrainSamplesPerSecond:F2} infer_ratio={engine.InferRowsPerSecond / pytorch.InferRowsPerSecond:F2} loss_ratio={engine.EpochLosses[^1] / pytorch.EpochLosses[^1]:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"infer_ratio_vs_ort={engine.InferRowsPerSecond / onnxRuntime:F2}"));
        SystemResult? referenceResult = results.FirstOrDefault(r => r!.Name == reference);
        foreach (SystemResult? other in results)
        {
            string versusReference = referenceResult == null || other == referenceResult ? ""
                : string.Create(CultureInfo.InvariantCulture, $" train_ratio_vs_{reference}={other!.TrainSamplesPerSecond / referenceResult.TrainSamplesPerSecond:F2}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{other!.Name}: train_ratio_vs_pytorch={other.TrainSamplesPerSecond / pytorch.TrainSamplesPerSecond:F2} train_ratio_vs_engine={other.TrainSamplesPerSecond / engine.TrainSamplesPerSecond:F2} loss_ratio_vs_pytorch={other.EpochLosses[^1] / pytorch.EpochLosses[^1]:F3}{versusReference}"));
        }

        return 0;
    }

    /// <summary>The benchmark's network: 784-256-64-256-784, ReLU hidden layers and code, sigmoid output.</summary>
    public static readonly AutoencoderArchitecture Architecture = new(784, [256], 64, null, Activation.Relu, Activation.Relu, Activation.Sigmoid);

    /// <summary>The benchmark's training options.</summary>
    public static readonly TrainingOptions Options = new() { Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = 1 };

    private static (SystemResult Result, AutoencoderModel Model) RunEngine(FeatureMatrix data)
    {
        var watch = Stopwatch.StartNew();
        TrainingResult result = new AutoencoderTrainer(Architecture, Options).Train(data);
        double seconds = watch.Elapsed.TotalSeconds;

        AutoencoderModel model = result.Model;
        var reconstruction = new float[InferenceBatch * data.ColumnCount];
        var codes = new float[InferenceBatch * model.CodeSize];
        void ForwardAll()
        {
            for (int start = 0; start < data.RowCount; start += InferenceBatch)
            {
                int rows = Math.Min(InferenceBatch, data.RowCount - start);
                model.Run(data.Values.Slice(start * data.ColumnCount, rows * data.ColumnCount), codes.AsSpan(0, rows * model.CodeSize), reconstruction.AsSpan(0, rows * data.ColumnCount), default, default);
            }
        }

        double best = BestOfThree(ForwardAll);
        return (new SystemResult("engine", data.RowCount * (double)Epochs / seconds, data.RowCount / best, result.History.Select(h => h.TrainingLoss).ToArray()), model);
    }

    private static SystemResult? RunPyTorch(string python, string images, int? limit)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peers", "pytorch_autoencoder.py");
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { script, "--images", images, "--epochs", $"{Epochs}", "--batch-size", $"{BatchSize}", "--lr", LearningRate.ToString(CultureInfo.InvariantCulture), "--infer-batch", $"{InferenceBatch}", "--threads", $"{Environment.ProcessorCount}" })
        {
            start.ArgumentList.Add(argument);
        }

        if (limit is int l)
        {
            start.ArgumentList.Add("--limit");
            start.ArgumentList.Add(l.ToString(CultureInfo.InvariantCulture));
        }

        // PyTorch's fastest correct configuration here, for the peer's process alone: OpenBLAS's AVX-512 kernels, and
        // OpenMP threads that sleep rather than spin while OpenBLAS's own threads run (spinning threads fighting
        // OpenBLAS's for the cores cut its training speed threefold in our measurements; losses are unchanged).
        start.Environment["OPENBLAS_CORETYPE"] = "SkylakeX";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"PyTorch peer skipped: cannot start {python} ({e.Message}). Install python3-torch and libopenblas0-pthread.");
            return null;
        }

        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"PyTorch peer failed (exit {process.ExitCode}):\n{error.Result}");
            return null;
        }

        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Console.Error.WriteLine($"pytorch: torch {root.GetProperty("torch_version").GetString()}, {root.GetProperty("blas").GetString()}");
        return new SystemResult(
            "pytorch",
            root.GetProperty("train_samples_per_s").GetDouble(),
            root.GetProperty("infer_rows_per_s").GetDouble(),
            root.GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("loss").GetDouble()).ToArray());
    }

    private static SystemResult Best(SystemResult? best, SystemResult next) =>
        best == null ? next : best with
        {
            TrainSamplesPerSecond = Math.Max(best.TrainSamplesPerSecond, next.TrainSamplesPerSecond),
            InferRowsPerSecond = Math.Max(best.InferRowsPerSecond, next.InferRowsPerSecond),
        };

    private static double BestOfThree(Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>Multiply-adds of one row through the dense network.</summary>
    private static double Macs()
    {
        double macs = 0;
        for (int i = 0; i + 1 < Layers.Length; i++)
        {
            macs += (double)Layers[i] * Layers[i + 1];
        }

        return macs;
    }

    private static string OnnxRuntimeVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "?";

    private static void Print(SystemResult result, double peak)
    {
        double macs = Macs();

        // Forward: 2 flops per multiply-add; backward: weight and input gradients, 4 more (the first layer's input gradient is not needed).
        double trainFlops = 6 * macs - 2.0 * Layers[0] * Layers[1];
        double trainGflops = result.TrainSamplesPerSecond * trainFlops / 1e9;
        double inferGflops = result.InferRowsPerSecond * 2 * macs / 1e9;
        string infer = double.IsNaN(inferGflops) ? "infer: the engine's model"
            : string.Create(CultureInfo.InvariantCulture, $"infer {result.InferRowsPerSecond,9:F0} rows/s ({inferGflops:F0} GFLOP/s, {inferGflops / peak:P0} of peak)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Name,-10} train {result.TrainSamplesPerSecond,9:F0} samples/s ({trainGflops:F0} GFLOP/s, {trainGflops / peak:P0} of peak)  {infer}  loss by epoch {string.Join(" ", result.EpochLosses.Select(l => l.ToString("F5", CultureInfo.InvariantCulture)))}"));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record SystemResult(string Name, double TrainSamplesPerSecond, double InferRowsPerSecond, double[] EpochLosses);
}
