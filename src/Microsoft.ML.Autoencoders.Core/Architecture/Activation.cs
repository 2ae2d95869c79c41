namespace Microsoft.ML.Autoencoders;

/// <summary>The nonlinearity applied after a layer's affine map.</summary>
public enum Activation
{
    /// <summary>f(x) = x.</summary>
    Identity,

    /// <summary>f(x) = max(0, x).</summary>
    Relu,

    /// <summary>f(x) = x for x &gt; 0, 0.01 x otherwise.</summary>
    LeakyRelu,

    /// <summary>f(x) = x for x &gt; 0, exp(x) - 1 otherwise.</summary>
    Elu,

    /// <summary>f(x) = tanh(x).</summary>
    Tanh,

    /// <summary>f(x) = 1 / (1 + exp(-x)); outputs in (0, 1), the right output for data scaled to [0, 1].</summary>
    Sigmoid,

    /// <summary>Gaussian error linear unit, in its tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
    Gelu,
}
