namespace Microsoft.ML.Autoencoders;

/// <summary>
/// How <see cref="FineTunedClassifier.Train"/> fine-tunes an encoder and trains its head end to end on labelled rows. The defaults were tuned on
/// Fashion-MNIST with 100 and 1,000 labels (see the README's "Fine-tuned classifier" section).
/// </summary>
public sealed class ClassifierTrainingOptions
{
    /// <summary>Passes over the labelled rows. Default 100, suited to a few thousand labelled rows at most; lower it for more.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Rows per gradient step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The head's initial learning rate (Adam with decoupled weight decay); it decays along a cosine to 0 by the last step. Default 3e-3.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>The encoder's learning rate as a fraction of <see cref="LearningRate"/>, in (0, 1]: lower keeps more of what pretraining learned. Default 0.1.</summary>
    public float EncoderLearningRateFactor { get; init; } = 0.1f;

    /// <summary>The first epochs, during which only the head trains and the encoder's weights stay as pretraining left them; at least <see cref="Epochs"/> trains the head alone. Default 5.</summary>
    public int FrozenEncoderEpochs { get; init; } = 5;

    /// <summary>Decoupled weight decay (AdamW) of every weight, encoder and head. Default 1e-4.</summary>
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>The fraction of code values zeroed (and the rest scaled up) at the head's input while training, in [0, 1). Default 0.5.</summary>
    public float CodeDropoutRate { get; init; } = 0.5f;

    /// <summary>
    /// The fraction of input features set to 0 in every training row, drawn anew each batch, in [0, 1): the masking noise a denoising
    /// autoencoder pretrains with, here as data augmentation against overfitting few labels. Default 0.2.
    /// </summary>
    public float InputMaskingRate { get; init; } = 0.2f;

    /// <summary>Seeds the head's initial weights, the shuffles, the masking and the dropout. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Checks every option, naming the first one out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        Positive(nameof(Epochs), Epochs);
        Positive(nameof(BatchSize), BatchSize);
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{nameof(LearningRate)} must be positive and finite.");
        }

        if (!(EncoderLearningRateFactor > 0f && EncoderLearningRateFactor <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(EncoderLearningRateFactor), EncoderLearningRateFactor, $"{nameof(EncoderLearningRateFactor)} must be in (0, 1]; freeze the encoder with {nameof(FrozenEncoderEpochs)} instead of a factor of 0.");
        }

        if (FrozenEncoderEpochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FrozenEncoderEpochs), FrozenEncoderEpochs, $"{nameof(FrozenEncoderEpochs)} must be 0 (never frozen) or positive.");
        }

        if (!(WeightDecay >= 0f) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, $"{nameof(WeightDecay)} must be zero or positive, and finite.");
        }

        if (!(InputMaskingRate >= 0f && InputMaskingRate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(InputMaskingRate), InputMaskingRate, $"{nameof(InputMaskingRate)} must be in [0, 1).");
        }

        if (!(CodeDropoutRate >= 0f && CodeDropoutRate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(CodeDropoutRate), CodeDropoutRate, $"{nameof(CodeDropoutRate)} must be in [0, 1).");
        }
    }

    private static void Positive(string name, int value)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
