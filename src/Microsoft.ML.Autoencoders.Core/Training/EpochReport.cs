namespace Microsoft.ML.Autoencoders;

/// <summary>What one epoch of training achieved, reported through <see cref="IProgress{T}"/> and kept in the loss history.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="EpochCount">The epochs planned.</param>
/// <param name="TrainingLoss">The mean loss over the epoch's batches, weighted by rows.</param>
/// <param name="ValidationLoss">The mean loss on the validation rows after the epoch, or null without validation data.</param>
/// <param name="LearningRate">The learning rate used in the epoch.</param>
/// <param name="SamplesPerSecond">Training rows per second in the epoch; 0 in a history loaded from a pipeline file, which does not store wall-clock figures.</param>
/// <param name="Elapsed">Time since training started; <see cref="TimeSpan.Zero"/> in a history loaded from a pipeline file, which does not store wall-clock figures.</param>
public sealed record EpochReport(
    int Epoch,
    int EpochCount,
    double TrainingLoss,
    double? ValidationLoss,
    float LearningRate,
    double SamplesPerSecond,
    TimeSpan Elapsed);
