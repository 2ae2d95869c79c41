using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The convolutional autoencoder a <see cref="ConvolutionalLayout"/> describes, as a stack of layers: channel reordering (for more than one
/// channel), convolutions and pooling, the code (a dense bottleneck or the encoder's last feature map), upsampling and convolutions or
/// transposed convolutions, reordering back. Trains on mean squared error (<see cref="ConvolutionalTrainingPass"/>).
/// </summary>
internal sealed class ConvolutionalAutoencoderNetwork : AutoencoderNetwork
{
    /// <summary>Builds the stack; throws <see cref="ArgumentException"/> naming the stage whose shapes do not fit.</summary>
    public ConvolutionalAutoencoderNetwork(AutoencoderArchitecture architecture, ConvolutionalLayout layout)
        : this(architecture, layout, StackBuilder.Build(layout, architecture.HiddenActivation, architecture.CodeActivation, architecture.OutputActivation))
    {
    }

    private ConvolutionalAutoencoderNetwork(AutoencoderArchitecture architecture, ConvolutionalLayout layout, (List<ITensorLayer> Layers, int CodeLayer) stack)
        : base(architecture, stack.Layers, stack.CodeLayer)
    {
        Layout = layout;
    }

    /// <summary>The layout the stack was built from.</summary>
    public ConvolutionalLayout Layout { get; }

    /// <summary>Values of the code of <paramref name="layout"/>: the dense bottleneck's size, or the encoder's last map's.</summary>
    /// <exception cref="ArgumentException">The stages' shapes do not fit together.</exception>
    public static int CodeSizeOf(ConvolutionalLayout layout, Activation hidden, Activation code, Activation output)
    {
        (List<ITensorLayer> layers, int codeLayer) = StackBuilder.Build(layout, hidden, code, output);
        return layers[codeLayer].OutputSize;
    }

    public override ITrainingPass CreateTrainingPass(TrainingPassSetup setup) => new ConvolutionalTrainingPass(this, setup);

    protected override int FileFlags => Models.ModelFile.ConvolutionalFlag;

    public override string? LayerwisePretrainingRefusal => "a convolutional network, whose stages are not shallow autoencoders";

    /// <summary>The flags and k, then the layout (<see cref="Models.ModelFile.WriteLayout"/>).</summary>
    public override void WriteFamilyFields(BinaryWriter writer)
    {
        base.WriteFamilyFields(writer);
        Models.ModelFile.WriteLayout(writer, Layout);
    }

    public override void CheckOptions(TrainingOptions options)
    {
        (string Name, bool Set)[] unsupported =
        [
            (nameof(TrainingOptions.Loss), options.Loss != LossFunction.MeanSquaredError), (nameof(TrainingOptions.CodeL1Penalty), options.CodeL1Penalty != 0f),
            (nameof(TrainingOptions.SparsityPenalty), options.SparsityPenalty != 0f), (nameof(TrainingOptions.ContractivePenalty), options.ContractivePenalty != 0f),
            (nameof(TrainingOptions.DropoutRate), options.DropoutRate != 0f), (nameof(TrainingOptions.LifetimeSparsity), options.LifetimeSparsity != 0f),
        ];
        foreach ((string name, bool set) in unsupported)
        {
            if (set)
            {
                throw new ArgumentException($"{name} is not supported by convolutional autoencoders yet (they train on mean squared error, optionally with {nameof(TrainingOptions.Noise)}); reset {name} to its default.", name);
            }
        }
    }

    /// <summary>Builds the layers stage by stage, tracking the map's shape (height, width, channels) and the parameter offset.</summary>
    private sealed class StackBuilder
    {
        private readonly ConvolutionalLayout _layout;
        private readonly List<ITensorLayer> _layers = [];
        private int _offset;
        private int _height;
        private int _width;
        private int _channels;

        private StackBuilder(ConvolutionalLayout layout)
        {
            _layout = layout;
            (_height, _width, _channels) = (layout.Height, layout.Width, layout.Channels);
        }

        public static (List<ITensorLayer> Layers, int CodeLayer) Build(ConvolutionalLayout layout, Activation hidden, Activation code, Activation output)
        {
            var builder = new StackBuilder(layout);
            if (layout.Channels > 1)
            {
                builder.Add(new ChannelOrderLayer(layout.Channels, layout.Height, layout.Width, toChannelsLast: true, builder._offset));
            }

            for (int s = 0; s < layout.Encoder.Count; s++)
            {
                builder.AddEncoderStage(s, layout.CodeSize == 0 && s == layout.Encoder.Count - 1 ? code : hidden);
            }

            int codeLayer = builder.AddBottleneck(code, hidden);
            for (int s = 0; s < layout.Decoder.Count; s++)
            {
                builder.AddDecoderStage(s, s == layout.Decoder.Count - 1 ? output : hidden);
            }

            builder.Finish();
            return (builder._layers, codeLayer);
        }

        private void Add(ITensorLayer layer)
        {
            _layers.Add(layer);
            _offset += layer.ParameterCount;
        }

        private void AddEncoderStage(int index, Activation activation)
        {
            ConvolutionStage stage = _layout.Encoder[index];
            var geometry = new ConvolutionGeometry(_height, _width, _channels, stage.Kernel, stage.Stride, stage.Padding);
            if (geometry.OutputHeight <= 0 || geometry.OutputWidth <= 0)
            {
                throw new ArgumentException($"Encoder stage {index} ({stage}) gets a {_height}x{_width} map and would output nothing.", "layout");
            }

            Add(new ConvolutionLayer(geometry, stage.Channels, activation, _offset));
            (_height, _width, _channels) = (geometry.OutputHeight, geometry.OutputWidth, stage.Channels);
            if (stage.Pool > 1)
            {
                if (_height / stage.Pool == 0 || _width / stage.Pool == 0)
                {
                    throw new ArgumentException($"Encoder stage {index} pools a {_height}x{_width} map by {stage.Pool}, which leaves nothing.", "layout");
                }

                Add(new MaxPoolLayer(_height, _width, _channels, stage.Pool, _offset));
                (_height, _width) = (_height / stage.Pool, _width / stage.Pool);
            }
        }

        /// <summary>A dense code and its expansion back to the map, or nothing when the code is the map itself; returns the code layer.</summary>
        private int AddBottleneck(Activation code, Activation hidden)
        {
            if (_layout.CodeSize == 0)
            {
                return _layers.Count - 1;
            }

            int mapSize = _height * _width * _channels;
            Add(new DenseLayer(mapSize, _layout.CodeSize, code, _offset));
            Add(new DenseLayer(_layout.CodeSize, mapSize, hidden, _offset));
            return _layers.Count - 2;
        }

        private void AddDecoderStage(int index, Activation activation)
        {
            DecoderStage stage = _layout.Decoder[index];
            if (stage.Upsample > 1)
            {
                Add(new UpsampleLayer(_height, _width, _channels, stage.Upsample, _offset));
                (_height, _width) = (_height * stage.Upsample, _width * stage.Upsample);
            }

            if (stage.Transposed)
            {
                var layer = new TransposedConvolutionLayer(_height, _width, _channels, stage.Channels, stage.Kernel, stage.Stride, stage.Padding, activation, _offset);
                if (layer.OutputHeight <= 0 || layer.OutputWidth <= 0 || layer.Adjoint.OutputHeight != _height || layer.Adjoint.OutputWidth != _width)
                {
                    throw new ArgumentException($"Decoder stage {index} ({stage}) cannot grow a {_height}x{_width} map exactly; choose kernel, stride and padding with (kernel - 2 padding) >= stride.", "layout");
                }

                Add(layer);
                (_height, _width, _channels) = (layer.OutputHeight, layer.OutputWidth, stage.Channels);
                return;
            }

            var geometry = new ConvolutionGeometry(_height, _width, _channels, stage.Kernel, stage.Stride, stage.Padding);
            if (geometry.OutputHeight <= 0 || geometry.OutputWidth <= 0)
            {
                throw new ArgumentException($"Decoder stage {index} ({stage}) gets a {_height}x{_width} map and would output nothing.", "layout");
            }

            Add(new ConvolutionLayer(geometry, stage.Channels, activation, _offset));
            (_height, _width, _channels) = (geometry.OutputHeight, geometry.OutputWidth, stage.Channels);
        }

        private void Finish()
        {
            if (_height != _layout.Height || _width != _layout.Width || _channels != _layout.Channels)
            {
                throw new ArgumentException($"The decoder ends with a {_channels}x{_height}x{_width} map; the reconstruction must have the input's shape {_layout.Channels}x{_layout.Height}x{_layout.Width}.", "layout");
            }

            if (_layout.Channels > 1)
            {
                Add(new ChannelOrderLayer(_layout.Channels, _layout.Height, _layout.Width, toChannelsLast: false, _offset));
            }
        }
    }
}
