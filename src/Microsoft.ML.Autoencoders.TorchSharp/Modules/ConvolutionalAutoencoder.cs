using Microsoft.ML.Autoencoders.Backends;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// A convolutional autoencoder on channel-major images, layer for layer as the engine's <see cref="ParameterLayout"/> lists them: convolutions
/// (each optionally max-pooled) down to a dense code or a feature-map code, then nearest-neighbour upsampling with convolutions or transposed
/// convolutions back to the input's shape. Trained on mean squared error. TorchSharp runs channels-first, the engine channels-last; the parameter
/// mappings translate.
/// </summary>
internal sealed class ConvolutionalAutoencoder : AutoencoderModule
{
    private readonly ModuleList<Module<Tensor, Tensor>> layers;
    private readonly Func<Tensor, Tensor>[] _steps;
    private readonly FeatureMapShape _inputMap;
    private readonly int _inputSize;
    private readonly ParameterMapping[] _mappings;

    /// <param name="layout">The layout of a convolutional architecture.</param>
    public ConvolutionalAutoencoder(ParameterLayout layout)
        : base(nameof(ConvolutionalAutoencoder))
    {
        _inputMap = layout.Layers[0].InputMap!.Value;
        _inputSize = layout.Architecture.InputSize;
        var modules = new List<Module<Tensor, Tensor>>();
        var mappings = new List<ParameterMapping>();
        var steps = new List<Func<Tensor, Tensor>>();
        Func<Tensor, Tensor> Parametrised(Module<Tensor, Tensor> module, Parameter weight, Parameter bias, LayerDescription description, Func<Tensor, Tensor> step)
        {
            modules.Add(module);
            mappings.Add(ParameterMapping.For(weight, description.Parameters[0], description));
            mappings.Add(ParameterMapping.For(bias, description.Parameters[1], description));
            return step;
        }

        foreach (LayerDescription description in layout.Layers)
        {
            switch (description)
            {
                case DenseLayerDescription dense:
                    Linear linear = Linear(dense.InputSize, dense.OutputSize);
                    steps.Add(Parametrised(linear, linear.weight!, linear.bias!, dense, x => Dense(dense, linear, x)));
                    break;
                case ConvolutionLayerDescription { IsTransposed: true } c:
                    ConvTranspose2d transposed = ConvTranspose2d(c.InputMap!.Value.Channels, c.OutputMap!.Value.Channels, c.Kernel, c.Stride, c.Padding);
                    steps.Add(Parametrised(transposed, transposed.weight!, transposed.bias!, c, x => ActivationFunctions.Apply(c.Activation, transposed.forward(x))));
                    break;
                case ConvolutionLayerDescription c:
                    Conv2d convolution = Conv2d(c.InputMap!.Value.Channels, c.OutputMap!.Value.Channels, c.Kernel, c.Stride, c.Padding);
                    steps.Add(Parametrised(convolution, convolution.weight!, convolution.bias!, c, x => ActivationFunctions.Apply(c.Activation, convolution.forward(x))));
                    break;
                case MaxPoolLayerDescription pool:
                    steps.Add(x => max_pool2d(x, [pool.Size, pool.Size], [pool.Size, pool.Size]));
                    break;
                case UpsampleLayerDescription upsample:
                    steps.Add(x => x.repeat_interleave(upsample.Factor, 2).repeat_interleave(upsample.Factor, 3));
                    break;
                default:
                    throw new NotSupportedException($"The layer {description} is of a kind this backend does not know; it implements backend contract version {TorchSharpBackend.ImplementedContractVersion}.");
            }
        }

        layers = new ModuleList<Module<Tensor, Tensor>>(modules.ToArray());
        _steps = steps.ToArray();
        _mappings = mappings.ToArray();
        RegisterComponents();
    }

    public override int TermsPerRow => _inputSize;

    protected override IReadOnlyList<ParameterMapping> Mappings => _mappings;

    /// <summary>The reconstruction of rows of channel-major images, as rows.</summary>
    public override Tensor forward(Tensor x)
    {
        Tensor map = x.view(-1, _inputMap.Channels, _inputMap.Height, _inputMap.Width);
        foreach (Func<Tensor, Tensor> step in _steps)
        {
            map = step(map);
        }

        return map.flatten(1);
    }

    public override Tensor TrainingLoss(Tensor input, Tensor clean) => mse_loss(forward(input), clean);

    public override Tensor EvaluationLoss(Tensor clean) => mse_loss(forward(clean), clean, Reduction.Sum);

    /// <summary>The dense bottleneck: the code layer flattens a map, the layer after it expands the code back into one (channels-first here).</summary>
    private static Tensor Dense(DenseLayerDescription dense, Linear linear, Tensor x)
    {
        Tensor y = ActivationFunctions.Apply(dense.Activation, linear.forward(dense.InputMap == null ? x : x.flatten(1)));
        return dense.OutputMap is FeatureMapShape map ? y.view(-1, map.Channels, map.Height, map.Width) : y;
    }
}
