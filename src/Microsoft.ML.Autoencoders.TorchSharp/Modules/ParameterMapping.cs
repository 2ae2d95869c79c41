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
    /// <summary>A weight or bias stored the same way in both: a bias, or any tensor whose layout already agrees.</summary>
    public static ParameterMapping Same(Parameter parameter, int offset) =>
        new(parameter, offset, [parameter.numel()], [0]);

    /// <summary>
    /// One TorchSharp linear layer per dense layer of <paramref name="network"/>, and the mappings of their weights (inputs x outputs in the
    /// engine, outputs x inputs in TorchSharp) and biases.
    /// </summary>
    public static (TorchSharp.Modules.Linear[] Layers, ParameterMapping[] Mappings) DenseLayers(Members.DenseAutoencoderNetwork network)
    {
        TorchSharp.Modules.Linear[] layers = network.DenseLayers.Select(l => nn.Linear(l.InputSize, l.OutputSize)).ToArray();
        ParameterMapping[] mappings = network.DenseLayers.SelectMany((l, i) => new[]
        {
            new ParameterMapping(layers[i].weight!, l.WeightOffset, [l.InputSize, l.OutputSize], [1, 0]),
            Same(layers[i].bias!, l.BiasOffset),
        }).ToArray();
        return (layers, mappings);
    }

    /// <summary>Copies this parameter's engine values from <paramref name="parameters"/> into the TorchSharp tensor.</summary>
    public void Import(float[] parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        long count = EngineShape.Aggregate(1L, (a, b) => a * b);
        Tensor engine = tensor(parameters.AsSpan(Offset, (int)count).ToArray(), EngineShape);
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
}
