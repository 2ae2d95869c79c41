namespace Microsoft.ML.Autoencoders;

/// <summary>What <c>TrainingBackend.Train</c> returns: the model, and how training went.</summary>
/// <param name="Model">The trained model (the best epoch's weights when early stopping restored them).</param>
/// <param name="History">One report per completed epoch, in order: the loss curves.</param>
/// <param name="BestEpoch">The epoch (from 1) with the lowest monitored loss, or 0 when none completed.</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="Message">A sentence on how training ended, with advice when it diverged.</param>
public sealed record TrainingResult(
    AutoencoderModel Model,
    IReadOnlyList<EpochReport> History,
    int BestEpoch,
    TrainingStopReason StopReason,
    string Message);
