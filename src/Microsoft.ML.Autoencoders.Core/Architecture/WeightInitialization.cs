namespace Microsoft.ML.Autoencoders;

/// <summary>How the weights of each dense layer are drawn before training (biases start at zero).</summary>
public enum WeightInitialization
{
    /// <summary><see cref="He"/> for layers with a rectifier-like activation (ReLU, leaky ReLU, ELU, GELU), <see cref="Glorot"/> otherwise.</summary>
    Auto,

    /// <summary>Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (inputs + outputs)).</summary>
    Glorot,

    /// <summary>He (Kaiming) uniform: U(-a, a) with a = sqrt(6 / inputs).</summary>
    He,
}
