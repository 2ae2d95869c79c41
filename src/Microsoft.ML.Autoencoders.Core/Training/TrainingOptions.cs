namespace Microsoft.ML.Autoencoders;

/// <summary>How the engine trains an autoencoder. The defaults suit standardized tabular data and [0, 1] pixels alike.</summary>
public sealed record TrainingOptions
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

    /// <summary>How the initial weights of dense layers are drawn; convolutional networks draw theirs one way and refuse another value. Default <see cref="WeightInitialization.Auto"/>.</summary>
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

    /// <summary>
    /// When training from an <see cref="IRowBlockSource"/>: rows read, held and shuffled together (each epoch visits the
    /// blocks in order and the rows of each block in a fresh random order). Default 65,536.
    /// </summary>
    public int StreamingBlockRows { get; init; } = 65_536;

    /// <summary>Seeds the one random generator behind initial weights, shuffles and splits. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Corruption applied to the input during training only (a denoising autoencoder); the loss still targets the clean input. Default <see cref="NoiseKind.None"/>.</summary>
    public NoiseKind Noise { get; init; }

    /// <summary>Strength of <see cref="Noise"/>: the standard deviation for <see cref="NoiseKind.Gaussian"/>, the fraction of features corrupted for <see cref="NoiseKind.Masking"/> and <see cref="NoiseKind.SaltAndPepper"/>. Default 0.1.</summary>
    public float NoiseLevel { get; init; } = 0.1f;

    /// <summary>Weight of the L1 activity penalty on the code, (weight / rows) times the sum of |code| over the batch: a sparse autoencoder. Default 0 (off).</summary>
    public float CodeL1Penalty { get; init; }

    /// <summary>
    /// Weight of the KL-divergence sparsity penalty, weight times the sum over code units of KL(<see cref="SparsityTarget"/> || mean activation over the batch).
    /// Needs a <see cref="Activation.Sigmoid"/> code. Default 0 (off).
    /// </summary>
    public float SparsityPenalty { get; init; }

    /// <summary>The mean activation each sigmoid code unit is pushed toward by <see cref="SparsityPenalty"/>, in (0, 1). Default 0.05.</summary>
    public float SparsityTarget { get; init; } = 0.05f;

    /// <summary>
    /// Weight of the contractive penalty: (weight / rows) times the squared Frobenius norm of the encoder's Jacobian with respect to its input, summed over
    /// the batch. Exact for a one-layer encoder; with hidden encoder layers it is the sum of each encoder layer's own squared Jacobian norm with respect to
    /// that layer's input (a layer-wise surrogate, not the norm of the product). Encoder layers may not use <see cref="Activation.Gelu"/>. Default 0 (off).
    /// </summary>
    public float ContractivePenalty { get; init; }

    /// <summary>Probability of zeroing each hidden unit (not the code, not the reconstruction) during training, with the survivors scaled by 1 / (1 - rate). Default 0 (off).</summary>
    public float DropoutRate { get; init; }

    /// <summary>
    /// Lifetime sparsity of a winner-take-all code: during training, each code unit keeps only its largest activations over the batch, this fraction of
    /// the rows (at least one), and every other activation of it is zeroed; gradients flow through the winners only. Default 0 (off).
    /// </summary>
    public float LifetimeSparsity { get; init; }

    /// <summary>
    /// For a variational autoencoder: the weight of the KL divergence to the standard normal prior in the loss (1 is the ELBO; other values give a beta-VAE).
    /// Default 1.
    /// </summary>
    public float KlWeight { get; init; } = 1f;

    /// <summary>
    /// When positive, greedy layer-wise pretraining (a stacked autoencoder): before the run, each encoder layer trains this many epochs as a
    /// shallow autoencoder (layer in -> layer out -> layer in) on the codes of the pretrained layers before it, and its two layers become the
    /// encoder layer and its mirrored decoder layer; <see cref="Epochs"/> then fine-tune the whole network end to end from there. The shallow
    /// autoencoders train on the run's training rows (not its held-out ones) with these options otherwise, on the same backend, from seeds
    /// derived from <see cref="Seed"/>; a hidden layer's reconstruction trains on mean squared error, and the code penalties apply to the
    /// code layer only. Progress reports and the loss history cover the fine-tuning. Needs a dense network with encoder hidden layers and a
    /// mirrored decoder (not variational, winner-take-all or convolutional) and rows held in memory. Default 0 (off).
    /// </summary>
    public int LayerwisePretrainingEpochs { get; init; }

    /// <summary>Whether any option asks for more than the plain autoencoder's step.</summary>
    internal bool NeedsExtendedStep =>
        Noise != NoiseKind.None || CodeL1Penalty > 0f || SparsityPenalty > 0f || ContractivePenalty > 0f || DropoutRate > 0f || LifetimeSparsity > 0f;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public void Validate()
    {
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        Positive(StreamingBlockRows, nameof(StreamingBlockRows));
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
        Defined(Noise, nameof(Noise));
        NonNegativeFinite(NoiseLevel, nameof(NoiseLevel));
        if (Noise is NoiseKind.Masking or NoiseKind.SaltAndPepper)
        {
            InRange(NoiseLevel, 0f, 1f, nameof(NoiseLevel));
        }

        NonNegativeFinite(CodeL1Penalty, nameof(CodeL1Penalty));
        NonNegativeFinite(SparsityPenalty, nameof(SparsityPenalty));
        if (!(SparsityTarget > 0f && SparsityTarget < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(SparsityTarget), SparsityTarget, $"{nameof(SparsityTarget)} must be in (0, 1).");
        }

        NonNegativeFinite(ContractivePenalty, nameof(ContractivePenalty));
        InRange(DropoutRate, 0f, 1f, nameof(DropoutRate));
        if (!(LifetimeSparsity >= 0f && LifetimeSparsity <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(LifetimeSparsity), LifetimeSparsity, $"{nameof(LifetimeSparsity)} must be in [0, 1] (0 is off).");
        }

        NonNegativeFinite(KlWeight, nameof(KlWeight));
        if (EarlyStoppingPatience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, $"{nameof(EarlyStoppingPatience)} must be 0 (off) or positive.");
        }

        if (LayerwisePretrainingEpochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LayerwisePretrainingEpochs), LayerwisePretrainingEpochs, $"{nameof(LayerwisePretrainingEpochs)} must be 0 (off) or positive.");
        }
    }

    /// <summary>
    /// Throws when an option is out of range, or does not suit <paramref name="architecture"/>: the one place each rule that ties options to a
    /// network lives. The exception's parameter name is the option's.
    /// </summary>
    /// <param name="architecture">The network these options will train.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="ArgumentException">An option does not suit the architecture: binary cross-entropy without a sigmoid output, a KL sparsity
    /// penalty without a sigmoid code, a contractive penalty through an activation it does not support, a code penalty on a variational network,
    /// an option a convolutional network does not support, or layer-wise pretraining of a network that is not a mirrored dense stack.</exception>
    public void Validate(AutoencoderArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Validate();
        if (Loss == LossFunction.BinaryCrossEntropy && architecture.OutputActivation != Activation.Sigmoid)
        {
            throw new ArgumentException(
                $"{nameof(Loss)} is {nameof(LossFunction.BinaryCrossEntropy)}, which needs a {nameof(Activation.Sigmoid)} output activation, but the architecture's is {architecture.OutputActivation}. Use {nameof(LossFunction.MeanSquaredError)}, or a sigmoid output for data in [0, 1].",
                nameof(Loss));
        }

        if (LayerwisePretrainingEpochs > 0)
        {
            Training.LayerwisePretraining.Check(architecture);
        }

        architecture.Network.CheckOptions(this);
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
