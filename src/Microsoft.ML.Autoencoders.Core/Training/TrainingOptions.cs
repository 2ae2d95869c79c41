namespace Microsoft.ML.Autoencoders;

/// <summary>How the engine trains an autoencoder. The defaults suit standardized tabular data and [0, 1] pixels alike.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training data. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Rows per gradient step. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The initial learning rate. Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>The update rule. Default <see cref="Autoencoders.Optimizer.Adam"/>.</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.Adam;

    /// <summary>Adam's decay rate of the first moment. Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam's decay rate of the second moment. Default 0.999.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam's denominator floor. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>SGD's momentum. Default 0.9.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>When positive, gradients whose global L2 norm exceeds it are scaled down to it. Default 0 (off).</summary>
    public float GradientClipNorm { get; init; }

    /// <summary>The loss minimized. Default <see cref="LossFunction.MeanSquaredError"/>.</summary>
    public LossFunction Loss { get; init; } = LossFunction.MeanSquaredError;

    /// <summary>How initial weights are drawn. Default <see cref="WeightInitialization.Auto"/>.</summary>
    public WeightInitialization Initialization { get; init; } = WeightInitialization.Auto;

    /// <summary>How the learning rate changes over epochs. Default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>With <see cref="LearningRateSchedule.Step"/>: epochs between decays. Default 10.</summary>
    public int StepDecayEpochs { get; init; } = 10;

    /// <summary>With <see cref="LearningRateSchedule.Step"/>: the factor applied at each decay. Default 0.1.</summary>
    public float StepDecayFactor { get; init; } = 0.1f;

    /// <summary>Fraction of the training rows held out (after a seeded shuffle) to validate on, when no validation set is given. Default 0.</summary>
    public float ValidationFraction { get; init; }

    /// <summary>
    /// When positive, training stops after this many epochs without improvement of the validation loss (the training
    /// loss when there is no validation data), and the best epoch's weights are restored. Default 0 (off).
    /// </summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Seeds the one random generator behind initial weights, shuffles and splits. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public void Validate()
    {
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        PositiveFinite(LearningRate, nameof(LearningRate));
        Defined(Optimizer, nameof(Optimizer));
        Defined(Loss, nameof(Loss));
        Defined(Initialization, nameof(Initialization));
        Defined(Schedule, nameof(Schedule));
        InRange(Beta1, 0f, 1f, nameof(Beta1));
        InRange(Beta2, 0f, 1f, nameof(Beta2));
        PositiveFinite(Epsilon, nameof(Epsilon));
        InRange(Momentum, 0f, 1f, nameof(Momentum));
        NonNegativeFinite(WeightDecay, nameof(WeightDecay));
        NonNegativeFinite(GradientClipNorm, nameof(GradientClipNorm));
        Positive(StepDecayEpochs, nameof(StepDecayEpochs));
        if (!(StepDecayFactor > 0f && StepDecayFactor <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(StepDecayFactor), StepDecayFactor, $"{nameof(StepDecayFactor)} must be in (0, 1].");
        }

        InRange(ValidationFraction, 0f, 1f, nameof(ValidationFraction));
        if (EarlyStoppingPatience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, $"{nameof(EarlyStoppingPatience)} must be 0 (off) or positive.");
        }
    }

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (0-based).</summary>
    internal float LearningRateAt(int epoch) => Schedule switch
    {
        LearningRateSchedule.Step => LearningRate * MathF.Pow(StepDecayFactor, epoch / StepDecayEpochs),
        LearningRateSchedule.Cosine => LearningRate * 0.5f * (1f + MathF.Cos(MathF.PI * epoch / Epochs)),
        _ => LearningRate,
    };

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }

    private static void PositiveFinite(float value, string name)
    {
        if (!(value > 0f && float.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite.");
        }
    }

    private static void NonNegativeFinite(float value, string name)
    {
        if (!(value >= 0f && float.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be zero or positive, and finite.");
        }
    }

    private static void InRange(float value, float low, float high, string name)
    {
        if (!(value >= low && value < high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}).");
        }
    }

    private static void Defined<T>(T value, string name)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} is not a known {typeof(T).Name}.");
        }
    }
}
