using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// Turns the engine's per-epoch reports into one log line per epoch on an ML.NET channel (seen through
/// <see cref="MLContext.Log"/>) and checkpoints on an ML.NET progress channel. Reports arrive synchronously on the
/// training thread.
/// </summary>
internal sealed class TrainingReporter : IProgress<EpochReport>, IDisposable
{
    private readonly IChannel _channel;
    private readonly IProgressChannel _progress;
    private EpochReport? _last;

    public TrainingReporter(IChannel channel, IProgressChannel progress)
    {
        _channel = channel;
        _progress = progress;
        _progress.SetHeader(new ProgressHeader(["Training Loss", "Validation Loss"], ["epochs"]), Fill);
    }

    public void Report(EpochReport value)
    {
        Volatile.Write(ref _last, value);
        string validation = value.ValidationLoss is double loss ? $", validation loss {loss:G5}" : "";
        _channel.Info(MessageSensitivity.None,
            $"Epoch {value.Epoch}/{value.EpochCount}: training loss {value.TrainingLoss:G5}{validation}, learning rate {value.LearningRate:G3}, {value.SamplesPerSecond:N0} rows/s, {value.Elapsed.TotalSeconds:F1} s elapsed.");
        _progress.Checkpoint(value.TrainingLoss, value.ValidationLoss, value.Epoch, value.EpochCount);
    }

    public void Dispose() => _progress.Dispose();

    private void Fill(IProgressEntry entry)
    {
        EpochReport? last = Volatile.Read(ref _last);
        if (last == null)
        {
            return;
        }

        entry.SetProgress(0, last.Epoch, last.EpochCount);
        entry.SetMetric(0, last.TrainingLoss);
        if (last.ValidationLoss is double loss)
        {
            entry.SetMetric(1, loss);
        }
    }
}
