namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The shape of a fully connected autoencoder: input, encoder hidden layers, code, decoder hidden layers,
/// reconstruction. Sizes need not be symmetric.
/// </summary>
public sealed class AutoencoderArchitecture
{
    private readonly bool _isVariational;
    private readonly int _winnerTakeAllK;
    private Networks.AutoencoderNetwork? _network;

    /// <summary>Defines an autoencoder; the decoder mirrors the encoder when <paramref name="decoderHiddenSizes"/> is null.</summary>
    /// <param name="inputSize">Features per row, and so the size of the reconstruction.</param>
    /// <param name="encoderHiddenSizes">Sizes of the encoder's hidden layers, input side first; may be empty.</param>
    /// <param name="codeSize">Size of the code (the bottleneck).</param>
    /// <param name="decoderHiddenSizes">Sizes of the decoder's hidden layers, code side first; null mirrors the encoder.</param>
    /// <param name="hiddenActivation">Activation of every hidden layer.</param>
    /// <param name="codeActivation">Activation of the code layer.</param>
    /// <param name="outputActivation">Activation of the reconstruction: <see cref="Activation.Sigmoid"/> for data in [0, 1], <see cref="Activation.Identity"/> for standardized data.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative, or an activation is unknown.</exception>
    public AutoencoderArchitecture(
        int inputSize,
        IReadOnlyList<int> encoderHiddenSizes,
        int codeSize,
        IReadOnlyList<int>? decoderHiddenSizes = null,
        Activation hiddenActivation = Activation.Relu,
        Activation codeActivation = Activation.Identity,
        Activation outputActivation = Activation.Identity)
    {
        ArgumentNullException.ThrowIfNull(encoderHiddenSizes, nameof(EncoderHiddenSizes));
        CheckSize(inputSize, nameof(InputSize));
        CheckSize(codeSize, nameof(CodeSize));
        decoderHiddenSizes ??= encoderHiddenSizes.Reverse().ToArray();
        CheckSizes(encoderHiddenSizes, nameof(EncoderHiddenSizes));
        CheckSizes(decoderHiddenSizes, nameof(DecoderHiddenSizes));
        CheckActivation(hiddenActivation, nameof(HiddenActivation));
        CheckActivation(codeActivation, nameof(CodeActivation));
        CheckActivation(outputActivation, nameof(OutputActivation));

        InputSize = inputSize;
        EncoderHiddenSizes = encoderHiddenSizes.ToArray();
        CodeSize = codeSize;
        DecoderHiddenSizes = decoderHiddenSizes.ToArray();
        HiddenActivation = hiddenActivation;
        CodeActivation = codeActivation;
        OutputActivation = outputActivation;
    }

    /// <summary>Features per row.</summary>
    public int InputSize { get; }

    /// <summary>Sizes of the encoder's hidden layers, input side first.</summary>
    public IReadOnlyList<int> EncoderHiddenSizes { get; }

    /// <summary>Size of the code.</summary>
    public int CodeSize { get; }

    /// <summary>Sizes of the decoder's hidden layers, code side first.</summary>
    public IReadOnlyList<int> DecoderHiddenSizes { get; }

    /// <summary>Activation of every hidden layer.</summary>
    public Activation HiddenActivation { get; }

    /// <summary>Activation of the code layer.</summary>
    public Activation CodeActivation { get; }

    /// <summary>Activation of the reconstruction.</summary>
    public Activation OutputActivation { get; }

    /// <summary>
    /// A variational autoencoder: the code layer outputs a mean and a log-variance per latent dimension (<see cref="CodeSize"/> of each, identity
    /// activation), training decodes a reparameterised sample, and the trained model's code is the latent mean. The loss per row is the
    /// reconstruction's negative log-likelihood (Bernoulli, i.e. summed binary cross-entropy, for a <see cref="Activation.Sigmoid"/> output;
    /// a unit-variance Gaussian otherwise) plus <see cref="TrainingOptions.KlWeight"/> times the KL divergence to N(0, I);
    /// <see cref="TrainingOptions.Loss"/> is not used. The model's <see cref="AutoencoderModel.Score(ReadOnlySpan{float}, Span{float}, Span{float})"/>
    /// is the negative ELBO. Needs an <see cref="Activation.Identity"/> code activation and no winner-take-all code. Default false.
    /// </summary>
    /// <exception cref="ArgumentException">The code activation is not identity, or <see cref="WinnerTakeAllK"/> is set.</exception>
    public bool IsVariational
    {
        get => _isVariational;
        init
        {
            if (value && CodeActivation != Activation.Identity)
            {
                throw new ArgumentException($"{nameof(IsVariational)} needs an {nameof(Activation.Identity)} code activation (the code is a mean and a log-variance), but the code activation is {CodeActivation}.", nameof(IsVariational));
            }

            if (value && _winnerTakeAllK > 0)
            {
                throw new ArgumentException($"{nameof(IsVariational)} cannot be combined with {nameof(WinnerTakeAllK)} = {_winnerTakeAllK}.", nameof(IsVariational));
            }

            _isVariational = value;
        }
    }

    /// <summary>
    /// When positive, a winner-take-all (k-sparse) code: after the code activation, each row keeps its <see cref="WinnerTakeAllK"/> largest code values
    /// and the rest are zeroed, in training and inference alike; gradients flow through the winners only. Must not exceed <see cref="CodeSize"/>.
    /// Default 0 (off).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or larger than the code.</exception>
    public int WinnerTakeAllK
    {
        get => _winnerTakeAllK;
        init
        {
            if (value < 0 || value > CodeSize)
            {
                throw new ArgumentOutOfRangeException(nameof(WinnerTakeAllK), value, $"{nameof(WinnerTakeAllK)} must be 0 (off) or in [1, {nameof(CodeSize)} = {CodeSize}].");
            }

            if (value > 0 && _isVariational)
            {
                throw new ArgumentException($"{nameof(WinnerTakeAllK)} cannot be combined with {nameof(IsVariational)}.", nameof(WinnerTakeAllK));
            }

            _winnerTakeAllK = value;
        }
    }

    /// <summary>The (stateless, shareable) network this architecture describes, built on first use by <see cref="Networks.AutoencoderMembers"/>.</summary>
    internal Networks.AutoencoderNetwork Network => LazyInitializer.EnsureInitialized(ref _network, () => Networks.AutoencoderMembers.Create(this));

    /// <summary>The layout of a convolutional autoencoder, or null for a fully connected one.</summary>
    public ConvolutionalLayout? Convolution { get; private init; }

    /// <summary>
    /// A convolutional autoencoder: the input size is channels x height x width, and the code size that of the dense bottleneck or of the
    /// encoder's last feature map. Trains with <see cref="LossFunction.MeanSquaredError"/>, optionally with <see cref="TrainingOptions.Noise"/>.
    /// </summary>
    /// <param name="layout">Input shape, encoder stages, code and decoder stages.</param>
    /// <param name="hiddenActivation">Activation of every hidden convolution and dense layer.</param>
    /// <param name="codeActivation">Activation of the code layer.</param>
    /// <param name="outputActivation">Activation of the reconstruction.</param>
    /// <exception cref="ArgumentException">A size is not positive, the stages' shapes do not fit together, or an activation is <see cref="Activation.Gelu"/>.</exception>
    public static AutoencoderArchitecture Convolutional(
        ConvolutionalLayout layout,
        Activation hiddenActivation = Activation.Relu,
        Activation codeActivation = Activation.Identity,
        Activation outputActivation = Activation.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(layout.Encoder);
        ArgumentNullException.ThrowIfNull(layout.Decoder);
        if (layout.Channels <= 0 || layout.Height <= 0 || layout.Width <= 0 || layout.CodeSize < 0 || layout.Encoder.Count == 0 || layout.Decoder.Count == 0)
        {
            throw new ArgumentException($"The layout {layout} needs a positive input shape, a code size of 0 or more, and at least one encoder and one decoder stage.", nameof(layout));
        }

        foreach (ConvolutionStage stage in layout.Encoder)
        {
            if (stage.Channels <= 0 || stage.Kernel <= 0 || stage.Stride <= 0 || stage.Padding < 0 || stage.Pool <= 0)
            {
                throw new ArgumentException($"The encoder stage {stage} needs positive channels, kernel, stride and pool and a padding of 0 or more.", nameof(layout));
            }
        }

        foreach (DecoderStage stage in layout.Decoder)
        {
            if (stage.Channels <= 0 || stage.Kernel <= 0 || stage.Stride <= 0 || stage.Padding < 0 || stage.Upsample <= 0)
            {
                throw new ArgumentException($"The decoder stage {stage} needs positive channels, kernel, stride and upsampling and a padding of 0 or more.", nameof(layout));
            }
        }

        foreach ((Activation activation, string name) in new[] { (hiddenActivation, nameof(HiddenActivation)), (codeActivation, nameof(CodeActivation)), (outputActivation, nameof(OutputActivation)) })
        {
            if (activation == Activation.Gelu)
            {
                throw new ArgumentException($"{name} is {activation}; convolutional autoencoders support every activation but {activation}.", name);
            }
        }

        int codeSize = Members.ConvolutionalAutoencoderNetwork.CodeSizeOf(layout, hiddenActivation, codeActivation, outputActivation);
        int inputSize = layout.Channels * layout.Height * layout.Width;
        return new AutoencoderArchitecture(inputSize, [], codeSize, [], hiddenActivation, codeActivation, outputActivation) { Convolution = layout };
    }

    /// <summary>Every layer's width from input to reconstruction, e.g. 784, 256, 64, 256, 784.</summary>
    public IReadOnlyList<int> LayerSizes =>
        [InputSize, .. EncoderHiddenSizes, CodeSize, .. DecoderHiddenSizes, InputSize];

    /// <summary>The number of dense layers; the first <see cref="EncoderLayerCount"/> of them form the encoder.</summary>
    public int LayerCount => EncoderHiddenSizes.Count + DecoderHiddenSizes.Count + 2;

    /// <summary>The number of dense layers from the input to the code, the code layer included.</summary>
    public int EncoderLayerCount => EncoderHiddenSizes.Count + 1;

    /// <summary>The activation of dense layer <paramref name="layer"/> (0 is the first encoder layer).</summary>
    public Activation ActivationOf(int layer) =>
        layer == EncoderLayerCount - 1 ? CodeActivation
        : layer == LayerCount - 1 ? OutputActivation
        : HiddenActivation;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{string.Join("-", LayerSizes)} (hidden {HiddenActivation}, code {CodeActivation}, output {OutputActivation}"
        + (_isVariational ? ", variational" : "") + (Convolution != null ? $", convolutional {Convolution}" : "") + (_winnerTakeAllK > 0 ? $", winner-take-all k = {_winnerTakeAllK}" : "") + ")";

    private static void CheckSize(int size, string name)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(name, size, $"{name} is {size}; it must be positive.");
        }
    }

    private static void CheckSizes(IReadOnlyList<int> sizes, string name)
    {
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(name, sizes[i], $"Layer {i} of {name} has size {sizes[i]}; every layer size must be positive.");
            }
        }
    }

    private static void CheckActivation(Activation activation, string name)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(name, activation, $"{name} is not a known {nameof(Activation)}.");
        }
    }
}
