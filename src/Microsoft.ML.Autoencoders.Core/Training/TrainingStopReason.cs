namespace Microsoft.ML.Autoencoders;

/// <summary>Why training ended.</summary>
public enum TrainingStopReason
{
    /// <summary>Every planned epoch ran.</summary>
    Completed,

    /// <summary>The monitored loss stopped improving for <see cref="TrainingOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopped,

    /// <summary>A loss or gradient became NaN or infinite; the weights kept are the last finite ones (the best epoch's, when one completed).</summary>
    Diverged,
}
