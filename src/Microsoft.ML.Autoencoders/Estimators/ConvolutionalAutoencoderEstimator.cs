namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains a convolutional autoencoder on images flattened channel-major into a float vector column (as ML.NET's
/// <c>ExtractPixels</c> gives them, or Fashion-MNIST's 784 pixels): convolution stages down to a code (a dense bottleneck,
/// or the last feature map), transposed convolutions or upsampling back to the image. Produces the same
/// <see cref="AutoencoderTransformer"/> as <see cref="AutoencoderEstimator"/>; create it with
/// <c>mlContext.Autoencoders.ConvolutionalAutoencoder(...)</c>.
/// </summary>
public sealed class ConvolutionalAutoencoderEstimator : AutoencoderFamilyEstimator
{
    /// <summary>Prepares to train as <paramref name="options"/> say (copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The image shape or the stages do not fit together, or an option convolutional autoencoders do not use is set.</exception>
    internal ConvolutionalAutoencoderEstimator(MLContext mlContext, Options options)
        : base(mlContext, options)
    {
    }

    /// <summary>
    /// The options of a convolutional autoencoder: the image shape and the stages, with the training, threshold and column
    /// options of <see cref="AutoencoderEstimator.Options"/>. <see cref="AutoencoderEstimator.Options.CodeSize"/> is the dense
    /// bottleneck (0 makes the code the encoder's last feature map), and the activations are those of the convolution stages, the code and
    /// the reconstruction. The options of dense networks are refused: <see cref="AutoencoderEstimator.Options.EncoderHiddenSizes"/>,
    /// <see cref="AutoencoderEstimator.Options.DecoderHiddenSizes"/>, <see cref="AutoencoderEstimator.Options.WinnerTakeAllK"/>, and (by the
    /// engine, which trains convolutional networks on mean squared error, optionally with noise) a loss other than mean squared error, the code
    /// penalties and dropout.
    /// </summary>
    public sealed class Options : AutoencoderEstimator.Options
    {
        /// <summary>Options for 1 x 28 x 28 images: two stride-2 convolutions (32 and 64 channels), two transposed ones back, a sigmoid output and a code of 32.</summary>
        public Options()
        {
            OutputActivation = Defaults.ImageOutputActivation;
        }

        /// <summary>Channels of each image (1 for grey, 3 for colour). Default 1.</summary>
        public int ImageChannels = Defaults.ImageChannels;

        /// <summary>Height of each image in pixels. Default 28.</summary>
        public int ImageHeight = Defaults.ImageHeight;

        /// <summary>Width of each image in pixels. Default 28.</summary>
        public int ImageWidth = Defaults.ImageWidth;

        /// <summary>The encoder's convolution stages, input side first. Default: 32 then 64 channels, 3x3 kernels, stride 2, padding 1.</summary>
        public ConvolutionStage[] EncoderStages = [new(32, 3, 2, 1), new(64, 3, 2, 1)];

        /// <summary>
        /// The decoder's stages, code side first; the last gives the image's channels. Null (default): 4x4 transposed convolutions
        /// with stride 2 and padding 1, mirroring <see cref="EncoderStages"/>, the last with <see cref="ImageChannels"/> channels.
        /// </summary>
        public DecoderStage[]? DecoderStages;

        internal override AutoencoderArchitecture ToArchitecture(int inputSize)
        {
            int expected = ImageChannels * ImageHeight * ImageWidth;
            if (inputSize != expected)
            {
                throw new ArgumentException(
                    $"The images are {ImageChannels} x {ImageHeight} x {ImageWidth} ({nameof(ImageChannels)} x {nameof(ImageHeight)} x {nameof(ImageWidth)}) = {expected} values, but column \"{FeatureColumnName}\" holds {inputSize} per row; set the image shape to the one its pixels were extracted with.",
                    nameof(ImageChannels));
            }

            return Build();
        }

        internal override AutoencoderArchitecture ProbeArchitecture()
        {
            if (ImageChannels <= 0 || ImageHeight <= 0 || ImageWidth <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ImageChannels), $"The image shape {ImageChannels} x {ImageHeight} x {ImageWidth} ({nameof(ImageChannels)} x {nameof(ImageHeight)} x {nameof(ImageWidth)}) must be positive.");
            }

            return Build();
        }

        internal override void CheckMember()
        {
            (string Name, bool Set)[] dense =
            [
                (nameof(EncoderHiddenSizes), EncoderHiddenSizes != null), (nameof(DecoderHiddenSizes), DecoderHiddenSizes != null), (nameof(WinnerTakeAllK), WinnerTakeAllK != 0),
            ];
            foreach ((string name, bool set) in dense)
            {
                if (set)
                {
                    throw new ArgumentException($"{name} is an option of dense autoencoders, which a convolutional autoencoder does not use; leave it at its default, and shape the network with {nameof(EncoderStages)}, {nameof(DecoderStages)} and {nameof(CodeSize)}.", name);
                }
            }
        }

        internal override AutoencoderEstimator.Options Clone()
        {
            var copy = (Options)base.Clone();
            copy.EncoderStages = (ConvolutionStage[])(EncoderStages ?? []).Clone();
            copy.DecoderStages = (DecoderStage[]?)DecoderStages?.Clone();
            return copy;
        }

        private AutoencoderArchitecture Build()
        {
            ConvolutionStage[] encoder = EncoderStages ?? [];
            DecoderStage[] decoder = DecoderStages
                ?? encoder.Reverse().Skip(1).Select(stage => new DecoderStage(stage.Channels, 4, 2, 1, Transposed: true))
                    .Append(new DecoderStage(ImageChannels, 4, 2, 1, Transposed: true)).ToArray();
            var layout = new ConvolutionalLayout(ImageChannels, ImageHeight, ImageWidth, encoder, CodeSizeFor(ImageChannels * ImageHeight * ImageWidth), decoder);
            return AutoencoderArchitecture.Convolutional(layout, HiddenActivation, CodeActivation, OutputActivation);
        }
    }
}
