using Microsoft.ML.Autoencoders.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// A convolutional autoencoder on channel-major images: convolutions (each optionally max-pooled) down to a dense code or a feature-map code,
/// then nearest-neighbour upsampling with convolutions or transposed convolutions back to the input's shape. Trained on mean squared error.
/// TorchSharp runs channels-first; the engine runs channels-last, which the parameter mappings translate.
/// </summary>
internal sealed class ConvolutionalAutoencoder : AutoencoderModule
{
    private readonly ModuleList<Conv2d> encoder;
    private readonly Linear? code;
    private readonly Linear? expand;
    private readonly ModuleList<Module<Tensor, Tensor>> decoder;
    private readonly AutoencoderArchitecture _architecture;
    private readonly ConvolutionalLayout _layout;
    private readonly long[] _codeMapShape;
    private readonly ParameterMapping[] _mappings;

    public ConvolutionalAutoencoder(AutoencoderArchitecture architecture)
        : base(nameof(ConvolutionalAutoencoder))
    {
        _architecture = architecture;
        _layout = architecture.Convolution!;
        var mappings = new List<ParameterMapping>();
        using IEnumerator<ITensorLayer> engineLayers = architecture.Network.Layers.Where(l => l.ParameterCount > 0).GetEnumerator();
        int NextOffset()
        {
            engineLayers.MoveNext();
            return engineLayers.Current.ParameterOffset;
        }

        void Map(Parameter weight, Parameter bias, long[] engineShape, long[] toTorch)
        {
            int offset = NextOffset();
            mappings.Add(new ParameterMapping(weight, offset, engineShape, toTorch));
            mappings.Add(ParameterMapping.Same(bias, offset + (int)weight.numel()));
        }

        // Engine kernels are (kernel row, kernel column, input channel) x output channels; TorchSharp's are output x input x rows x columns.
        var convolutions = new List<Conv2d>();
        long c = _layout.Channels, h = _layout.Height, w = _layout.Width;
        foreach (ConvolutionStage stage in _layout.Encoder)
        {
            Conv2d convolution = Conv2d(c, stage.Channels, stage.Kernel, stage.Stride, stage.Padding);
            Map(convolution.weight!, convolution.bias!, [stage.Kernel, stage.Kernel, c, stage.Channels], [3, 2, 0, 1]);
            convolutions.Add(convolution);
            (c, h, w) = (stage.Channels, (h + 2 * stage.Padding - stage.Kernel) / stage.Stride + 1, (w + 2 * stage.Padding - stage.Kernel) / stage.Stride + 1);
            (h, w) = (h / stage.Pool, w / stage.Pool);
        }

        encoder = new ModuleList<Conv2d>(convolutions.ToArray());
        _codeMapShape = [c, h, w];
        if (_layout.CodeSize > 0)
        {
            // The engine flattens maps as height x width x channels; TorchSharp as channels x height x width.
            code = Linear(c * h * w, _layout.CodeSize);
            Map(code.weight!, code.bias!, [h, w, c, _layout.CodeSize], [3, 2, 0, 1]);
            expand = Linear(_layout.CodeSize, c * h * w);
            int offset = NextOffset();
            mappings.Add(new ParameterMapping(expand.weight!, offset, [_layout.CodeSize, h, w, c], [3, 1, 2, 0]));
            mappings.Add(new ParameterMapping(expand.bias!, offset + (int)expand.weight!.numel(), [h, w, c], [2, 0, 1]));
        }

        var stages = new List<Module<Tensor, Tensor>>();
        foreach (DecoderStage stage in _layout.Decoder)
        {
            if (stage.Transposed)
            {
                // Engine: input channel x (kernel row, kernel column, output channel); TorchSharp: input x output x rows x columns.
                ConvTranspose2d transposed = ConvTranspose2d(c, stage.Channels, stage.Kernel, stage.Stride, stage.Padding);
                Map(transposed.weight!, transposed.bias!, [c, stage.Kernel, stage.Kernel, stage.Channels], [0, 3, 1, 2]);
                stages.Add(transposed);
            }
            else
            {
                Conv2d convolution = Conv2d(c, stage.Channels, stage.Kernel, stage.Stride, stage.Padding);
                Map(convolution.weight!, convolution.bias!, [stage.Kernel, stage.Kernel, c, stage.Channels], [3, 2, 0, 1]);
                stages.Add(convolution);
            }

            c = stage.Channels;
        }

        decoder = new ModuleList<Module<Tensor, Tensor>>(stages.ToArray());
        _mappings = mappings.ToArray();
        RegisterComponents();
    }

    public override int TermsPerRow => _architecture.InputSize;

    protected override IReadOnlyList<ParameterMapping> Mappings => _mappings;

    /// <summary>The reconstruction of rows of channel-major images, as rows.</summary>
    public override Tensor forward(Tensor x) => Decode(Encode(x));

    public override Tensor TrainingLoss(Tensor input, Tensor clean) => mse_loss(forward(input), clean);

    public override Tensor EvaluationLoss(Tensor clean) => mse_loss(forward(clean), clean, Reduction.Sum);

    /// <summary>The code: a dense vector per row, or the encoder's last feature map.</summary>
    private Tensor Encode(Tensor x)
    {
        Tensor map = x.view(-1, _layout.Channels, _layout.Height, _layout.Width);
        for (int s = 0; s < encoder.Count; s++)
        {
            bool isCode = code == null && s == encoder.Count - 1;
            map = ActivationFunctions.Apply(isCode ? _architecture.CodeActivation : _architecture.HiddenActivation, encoder[s].forward(map));
            int pool = _layout.Encoder[s].Pool;
            if (pool > 1)
            {
                map = max_pool2d(map, [pool, pool], [pool, pool]);
            }
        }

        return code == null ? map : ActivationFunctions.Apply(_architecture.CodeActivation, code.forward(map.flatten(1)));
    }

    private Tensor Decode(Tensor z)
    {
        Tensor map = expand == null ? z : ActivationFunctions.Apply(_architecture.HiddenActivation, expand.forward(z)).view([-1, .. _codeMapShape]);
        for (int s = 0; s < decoder.Count; s++)
        {
            int upsample = _layout.Decoder[s].Upsample;
            if (upsample > 1)
            {
                map = map.repeat_interleave(upsample, 2).repeat_interleave(upsample, 3);
            }

            bool isOutput = s == decoder.Count - 1;
            map = ActivationFunctions.Apply(isOutput ? _architecture.OutputActivation : _architecture.HiddenActivation, decoder[s].forward(map));
        }

        return map.flatten(1);
    }
}
