namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The training options every autoencoder estimator shares (<see cref="AutoencoderEstimator.Options"/> and its family's,
/// <see cref="AutoencoderImputingEstimator.Options"/>): the hidden activation, the optimizer and its schedule, regularization, validation and the seed. Each is the engine's
/// <see cref="TrainingOptions"/> option of the same name, with the same default, from <c>Defaults</c>.
/// </summary>
public abstract class AutoencoderTrainingOptionsBase
{
    /// <summary>Activation of every hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation HiddenActivation = Defaults.HiddenActivation;

    /// <summary>Rows per gradient step. Default 128.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>The initial learning rate. Default 1e-3.</summary>
    public float LearningRate = Defaults.LearningRate;

    /// <summary>The update rule. Default <see cref="Autoencoders.Optimizer.Adam"/>.</summary>
    public Optimizer Optimizer = Defaults.Optimizer;

    /// <summary>With <see cref="Autoencoders.Optimizer.Adam"/> or <see cref="Autoencoders.Optimizer.AdamW"/>: the decay rate of the first moment, in [0, 1). Default 0.9.</summary>
    public float Beta1 = Defaults.Beta1;

    /// <summary>With <see cref="Autoencoders.Optimizer.Adam"/> or <see cref="Autoencoders.Optimizer.AdamW"/>: the decay rate of the second moment, in [0, 1). Default 0.999.</summary>
    public float Beta2 = Defaults.Beta2;

    /// <summary>With <see cref="Autoencoders.Optimizer.Adam"/> or <see cref="Autoencoders.Optimizer.AdamW"/>: the floor of the update's denominator, positive. Default 1e-8.</summary>
    public float Epsilon = Defaults.Epsilon;

    /// <summary>With <see cref="Autoencoders.Optimizer.Sgd"/>: the momentum, in [0, 1). Default 0.9.</summary>
    public float Momentum = Defaults.Momentum;

    /// <summary>How every layer's initial weights are drawn. Default <see cref="WeightInitialization.Auto"/>.</summary>
    public WeightInitialization Initialization = Defaults.Initialization;

    /// <summary>
    /// How the learning rate changes over epochs: <see cref="LearningRateSchedule.Constant"/> (default), <see cref="LearningRateSchedule.Step"/>
    /// (see <see cref="StepDecayEpochs"/>) or <see cref="LearningRateSchedule.Cosine"/>. Named as the engine's <see cref="TrainingOptions.Schedule"/>,
    /// so the engine's errors name it.
    /// </summary>
    public LearningRateSchedule Schedule = Defaults.Schedule;

    /// <summary>With <see cref="LearningRateSchedule.Step"/>: the epochs between decays. Default 10.</summary>
    public int StepDecayEpochs = Defaults.StepDecayEpochs;

    /// <summary>With <see cref="LearningRateSchedule.Step"/>: the factor, in (0, 1], applied to the learning rate at each decay. Default 0.1.</summary>
    public float StepDecayFactor = Defaults.StepDecayFactor;

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW). Default 0.</summary>
    public float WeightDecay;

    /// <summary>When positive, gradients whose global L2 norm exceeds it are scaled down to it. Default 0 (off).</summary>
    public float GradientClipNorm;

    /// <summary>Probability of dropping each hidden unit during training. Default 0 (off).</summary>
    public float DropoutRate;

    /// <summary>Fraction of the training rows held out to validate on when no validation data is passed to <c>Fit</c>. Default 0.</summary>
    public float ValidationFraction;

    /// <summary>When positive, training stops after this many epochs without improvement of the validation loss (the training loss without validation data) and restores the best weights. Default 0 (off).</summary>
    public int EarlyStoppingPatience;

    /// <summary>Seeds initial weights, shuffles, splits and noise. Default null: drawn from the <see cref="MLContext"/>'s random source, so <c>new MLContext(seed: 1)</c> makes training repeatable.</summary>
    public int? Seed;

    /// <summary>The engine's options with these shared ones set; the estimator adds its own with <c>with</c>.</summary>
    internal TrainingOptions SharedTrainingOptions(int epochs, int seed) => new()
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Optimizer,
        Beta1 = Beta1,
        Beta2 = Beta2,
        Epsilon = Epsilon,
        Momentum = Momentum,
        Initialization = Initialization,
        Schedule = Schedule,
        StepDecayEpochs = StepDecayEpochs,
        StepDecayFactor = StepDecayFactor,
        WeightDecay = WeightDecay,
        GradientClipNorm = GradientClipNorm,
        DropoutRate = DropoutRate,
        ValidationFraction = ValidationFraction,
        EarlyStoppingPatience = EarlyStoppingPatience,
        Seed = seed,
    };
}
