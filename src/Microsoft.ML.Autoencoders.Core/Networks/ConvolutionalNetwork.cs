using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Networks;

/// <summary>
/// The stack of layers a <see cref="ConvolutionalLayout"/> describes, over one flat parameter vector: channel reordering (for more than one
/// channel), convolutions and pooling, the code (dense bottleneck or feature map), upsampling and (transposed) convolutions, reordering back.
/// Stateless like <see cref="DenseNetwork"/>: parameters and buffers are passed in.
/// </summary>
internal sealed class ConvolutionalNetwork
{
    /// <summary>Builds the stack; throws <see cref="ArgumentException"/> naming the stage whose shapes do not fit.</summary>
    public ConvolutionalNetwork(ConvolutionalLayout layout, Activation hidden, Activation code, Activation output)
    {
        Layout = layout;
        var layers = new List<ITensorLayer>();
        int offset = 0;
        void Add(ITensorLayer layer)
        {
            layers.Add(layer);
            offset += layer.ParameterCount;
        }

        if (layout.Channels > 1)
        {
            Add(new ChannelOrderLayer(layout.Channels, layout.Height, layout.Width, toChannelsLast: true, offset));
        }

        int h = layout.Height, w = layout.Width, c = layout.Channels;
        for (int s = 0; s < layout.Encoder.Count; s++)
        {
            ConvolutionStage stage = layout.Encoder[s];
            bool isCode = layout.CodeSize == 0 && s == layout.Encoder.Count - 1;
            var geometry = new ConvolutionGeometry(h, w, c, stage.Kernel, stage.Stride, stage.Padding);
            if (geometry.OutputHeight <= 0 || geometry.OutputWidth <= 0)
            {
                throw new ArgumentException($"Encoder stage {s} ({stage}) gets a {h}x{w} map and would output nothing.", nameof(layout));
            }

            Add(new ConvolutionLayer(geometry, stage.Channels, isCode ? code : hidden, offset));
            (h, w, c) = (geometry.OutputHeight, geometry.OutputWidth, stage.Channels);
            if (stage.Pool > 1)
            {
                if (h / stage.Pool == 0 || w / stage.Pool == 0)
                {
                    throw new ArgumentException($"Encoder stage {s} pools a {h}x{w} map by {stage.Pool}, which leaves nothing.", nameof(layout));
                }

                Add(new MaxPoolLayer(h, w, c, stage.Pool, offset));
                (h, w) = (h / stage.Pool, w / stage.Pool);
            }
        }

        int mapSize = h * w * c;
        if (layout.CodeSize > 0)
        {
            Add(new DenseTensorLayer(mapSize, layout.CodeSize, code, offset));
            CodeLayer = layers.Count - 1;
            Add(new DenseTensorLayer(layout.CodeSize, mapSize, hidden, offset));
        }
        else
        {
            CodeLayer = layers.Count - 1;
        }

        CodeSize = layers[CodeLayer].OutputSize;
        for (int s = 0; s < layout.Decoder.Count; s++)
        {
            DeconvolutionStage stage = layout.Decoder[s];
            Activation activation = s == layout.Decoder.Count - 1 ? output : hidden;
            if (stage.Upsample > 1)
            {
                Add(new UpsampleLayer(h, w, c, stage.Upsample, offset));
                (h, w) = (h * stage.Upsample, w * stage.Upsample);
            }

            if (stage.Transposed)
            {
                var layer = new TransposedConvolutionLayer(h, w, c, stage.Channels, stage.Kernel, stage.Stride, stage.Padding, activation, offset);
                if (layer.OutputHeight <= 0 || layer.OutputWidth <= 0 || layer.Adjoint.OutputHeight != h || layer.Adjoint.OutputWidth != w)
                {
                    throw new ArgumentException($"Decoder stage {s} ({stage}) cannot grow a {h}x{w} map exactly; choose kernel, stride and padding with (kernel - 2 padding) >= stride.", nameof(layout));
                }

                Add(layer);
                (h, w, c) = (layer.OutputHeight, layer.OutputWidth, stage.Channels);
            }
            else
            {
                var geometry = new ConvolutionGeometry(h, w, c, stage.Kernel, stage.Stride, stage.Padding);
                if (geometry.OutputHeight <= 0 || geometry.OutputWidth <= 0)
                {
                    throw new ArgumentException($"Decoder stage {s} ({stage}) gets a {h}x{w} map and would output nothing.", nameof(layout));
                }

                Add(new ConvolutionLayer(geometry, stage.Channels, activation, offset));
                (h, w, c) = (geometry.OutputHeight, geometry.OutputWidth, stage.Channels);
            }
        }

        if (h != layout.Height || w != layout.Width || c != layout.Channels)
        {
            throw new ArgumentException($"The decoder ends with a {c}x{h}x{w} map; the reconstruction must have the input's shape {layout.Channels}x{layout.Height}x{layout.Width}.", nameof(layout));
        }

        if (layout.Channels > 1)
        {
            Add(new ChannelOrderLayer(layout.Channels, layout.Height, layout.Width, toChannelsLast: false, offset));
        }

        Layers = layers;
        ParameterCount = offset;
        MaxWidth = layers.Max(l => Math.Max(l.InputSize, l.OutputSize));
    }

    public ConvolutionalLayout Layout { get; }

    public IReadOnlyList<ITensorLayer> Layers { get; }

    public int ParameterCount { get; }

    /// <summary>The index of the layer whose output is the code.</summary>
    public int CodeLayer { get; }

    /// <summary>Values of the code: the dense bottleneck's size, or the encoder's last map's.</summary>
    public int CodeSize { get; }

    /// <summary>The widest layer input or output.</summary>
    public int MaxWidth { get; }

    public void Initialize(Span<float> parameters, SeededRandom random)
    {
        foreach (ITensorLayer layer in Layers)
        {
            layer.Initialize(parameters, random);
        }
    }

    /// <summary>Each layer's scratch for batches of up to <paramref name="maxRows"/> rows.</summary>
    public LayerScratch[] CreateScratch(int maxRows) => Layers.Select(l => l.CreateScratch(maxRows)).ToArray();

    /// <summary>Runs layers [<paramref name="first"/>, <paramref name="end"/>) on <paramref name="rows"/> rows, each layer's output into <paramref name="outputs"/>; returns the last output.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, float[][] outputs, LayerScratch[] scratch, int first, int end)
    {
        ReadOnlySpan<float> x = input;
        for (int i = first; i < end; i++)
        {
            Span<float> output = outputs[i].AsSpan(0, rows * Layers[i].OutputSize);
            Layers[i].Forward(parameters, x, rows, output, scratch[i]);
            x = output;
        }

        return x;
    }
}
