namespace Microsoft.ML.Autoencoders;

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate every epoch.</summary>
    Constant,

    /// <summary>Multiplied by <see cref="TrainingOptions.StepDecayFactor"/> every <see cref="TrainingOptions.StepDecayEpochs"/> epochs.</summary>
    Step,

    /// <summary>Cosine annealing from the initial rate toward zero over all epochs.</summary>
    Cosine,
}
