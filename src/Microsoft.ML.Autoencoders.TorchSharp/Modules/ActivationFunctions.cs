using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>The engine's activations on TorchSharp tensors, with the engine's constants (leaky slope 0.01, ELU alpha 1, tanh-approximated GELU).</summary>
internal static class ActivationFunctions
{
    private const double GeluScale = 0.7978845608028654; // sqrt(2 / pi)

    /// <summary>f(<paramref name="x"/>).</summary>
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => relu(x),
        Activation.LeakyRelu => leaky_relu(x, 0.01),
        Activation.Elu => elu(x, 1.0),
        Activation.Tanh => x.tanh(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Gelu => 0.5 * x * (1 + (GeluScale * (x + 0.044715 * x.pow(3))).tanh()),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>f'(z) written in terms of the output y = f(z), as the contractive penalty needs it (every activation but GELU).</summary>
    public static Tensor Slope(Activation activation, Tensor y) => activation switch
    {
        Activation.Identity => ones_like(y),
        Activation.Relu => y.gt(0).to_type(ScalarType.Float32),
        Activation.LeakyRelu => where(y.gt(0), ones_like(y), full_like(y, 0.01)),
        Activation.Elu => where(y.gt(0), ones_like(y), y + 1),
        Activation.Tanh => 1 - y.square(),
        Activation.Sigmoid => y * (1 - y),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "The contractive penalty does not support this activation."),
    };
}
