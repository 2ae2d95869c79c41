using static Microsoft.ML.Autoencoders.Modules.TorchConstants;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>The engine's activations on TorchSharp tensors, with the engine's constants (leaky slope 0.01, ELU alpha 1, tanh-approximated GELU).</summary>
internal static class ActivationFunctions
{
    /// <summary>f(<paramref name="x"/>).</summary>
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => relu(x),
        Activation.LeakyRelu => x.leaky_relu(LeakySlope),
        Activation.Elu => x.elu(One, One, One),
        Activation.Tanh => x.tanh(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Gelu => OneHalf * x * (One + (GeluScale * (x + GeluCubic * x.pow(Three))).tanh()),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>f'(z) written in terms of the output y = f(z), as the contractive penalty needs it (every activation but GELU).</summary>
    public static Tensor Slope(Activation activation, Tensor y) => activation switch
    {
        Activation.Identity => ones_like(y),
        Activation.Relu => y.gt(Zero).to_type(ScalarType.Float32),
        Activation.LeakyRelu => where(y.gt(Zero), ones_like(y), full_like(y, LeakySlope)),
        Activation.Elu => where(y.gt(Zero), ones_like(y), y + One),
        Activation.Tanh => One - y.square(),
        Activation.Sigmoid => y * (One - y),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "The contractive penalty does not support this activation."),
    };
}
