using Microsoft.ML.Autoencoders.Backends;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// Where one TorchSharp parameter lives in the engine's flat parameter vector, and how its axes are ordered there: the engine's block at
/// <paramref name="Offset"/> has shape <paramref name="EngineShape"/>, and permuting it by <paramref name="ToTorch"/> (then reshaping) gives the
/// TorchSharp tensor. Dense weights, for instance, are inputs x outputs in the engine and outputs x inputs in TorchSharp.
/// </summary>
internal sealed record ParameterMapping(Parameter Parameter, int Offset, long[] EngineShape, long[] ToTorch)
{
    /// <summary>
    /// The mapping of <paramref name="block"/> of <paramref name="layer"/> onto <paramref name="parameter"/>, TorchSharp's tensor for it: a linear
    /// layer's weight is outputs x inputs, a convolution's kernel output channels x input channels x rows x columns, a transposed convolution's
    /// input channels x output channels x rows x columns, and a feature map is flattened channels-first where the engine flattens it channels-last.
    /// </summary>
    public static ParameterMapping For(Parameter parameter, ParameterBlock block, LayerDescription layer)
    {
        long[] toTorch = block.Kind switch
        {
            ParameterBlockKind.ConvolutionKernel => [3, 2, 0, 1],
            ParameterBlockKind.TransposedConvolutionKernel => [0, 3, 1, 2],
            ParameterBlockKind.DenseWeights => DenseWeightOrder(block.Shape.Count - AxesOf(layer.OutputMap), AxesOf(layer.OutputMap)),
            ParameterBlockKind.Bias => ChannelsFirst(0, block.Shape.Count),
            _ => throw new NotSupportedException($"The parameter block {block} is of a kind this backend does not know; it implements backend contract version {TorchSharpBackend.ImplementedContractVersion}."),
        };
        return new ParameterMapping(parameter, block.Offset, block.Shape.Select(size => (long)size).ToArray(), toTorch);
    }

    /// <summary>
    /// One TorchSharp linear layer per layer of a fully connected <paramref name="layout"/>, and the mappings of their weights and biases, in the
    /// layers' order (weight, then bias).
    /// </summary>
    public static (TorchSharp.Modules.Linear[] Layers, ParameterMapping[] Mappings) DenseLayers(ParameterLayout layout) =>
        DenseLayers(layout.Layers.Cast<DenseLayerDescription>().ToArray());

    /// <summary>One TorchSharp linear layer per description in <paramref name="dense"/>, and the mappings of their weights and biases (weight, then bias).</summary>
    public static (TorchSharp.Modules.Linear[] Layers, ParameterMapping[] Mappings) DenseLayers(IReadOnlyList<DenseLayerDescription> dense)
    {
        TorchSharp.Modules.Linear[] layers = dense.Select(l => nn.Linear(l.InputSize, l.OutputSize)).ToArray();
        ParameterMapping[] mappings = dense.SelectMany((l, i) => new[] { For(layers[i].weight!, l.Weights, l), For(layers[i].bias!, l.Bias, l) }).ToArray();
        return (layers, mappings);
    }

    /// <summary>Copies every one of <paramref name="mappings"/>' engine values from <paramref name="parameters"/> into its TorchSharp tensor.</summary>
    public static void ImportAll(IEnumerable<ParameterMapping> mappings, ReadOnlySpan<float> parameters)
    {
        foreach (ParameterMapping mapping in mappings)
        {
            mapping.Import(parameters);
        }
    }

    /// <summary>Writes every one of <paramref name="mappings"/>' TorchSharp tensors into <paramref name="parameters"/> in the engine's layout.</summary>
    public static void ExportAll(IEnumerable<ParameterMapping> mappings, float[] parameters)
    {
        foreach (ParameterMapping mapping in mappings)
        {
            mapping.Export(parameters);
        }
    }

    /// <summary>Copies this parameter's engine values from <paramref name="parameters"/> into the TorchSharp tensor.</summary>
    public void Import(ReadOnlySpan<float> parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        long count = EngineShape.Aggregate(1L, (a, b) => a * b);
        Tensor engine = tensor(parameters.Slice(Offset, (int)count).ToArray(), EngineShape);
        Tensor value = engine.permute(ToTorch).reshape(Parameter.shape).to(Parameter.device);
        using (no_grad())
        {
            Parameter.copy_(value);
        }
    }

    /// <summary>Writes this parameter into <paramref name="parameters"/> in the engine's layout.</summary>
    public void Export(float[] parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        long[] torchShape = ToTorch.Select(axis => EngineShape[axis]).ToArray();
        long[] toEngine = new long[ToTorch.Length];
        for (int i = 0; i < ToTorch.Length; i++)
        {
            toEngine[ToTorch[i]] = i;
        }

        Tensor engine = Parameter.detach().cpu().reshape(torchShape).permute(toEngine).contiguous();
        engine.data<float>().CopyTo(parameters, Offset);
    }

    /// <summary>The axes one side of a dense layer spans in its weights: three for a feature map (height, width, channels), one for a vector.</summary>
    private static int AxesOf(FeatureMapShape? map) => map == null ? 1 : 3;

    /// <summary>Engine weights are the input side's axes then the output side's; TorchSharp's are outputs x inputs, each side channels-first.</summary>
    private static long[] DenseWeightOrder(int inputAxes, int outputAxes) =>
        [.. ChannelsFirst(inputAxes, outputAxes), .. ChannelsFirst(0, inputAxes)];

    /// <summary>The <paramref name="count"/> engine axes from <paramref name="first"/> in TorchSharp's order: a map's (height, width, channels) become (channels, height, width).</summary>
    private static long[] ChannelsFirst(int first, int count) => count == 3 ? [first + 2, first, first + 1] : [first];
}
