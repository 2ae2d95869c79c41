using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>Initial weights of tensor layers: uniform with He's limit for rectifiers, Glorot's otherwise; zero biases.</summary>
internal static class TensorLayerInitialization
{
    /// <summary>Fills <paramref name="weights"/> from U(-a, a) for a layer with the given fan-in and fan-out.</summary>
    public static void Uniform(Span<float> weights, int fanIn, int fanOut, Activation activation, SeededRandom random)
    {
        bool he = activation is Activation.Relu or Activation.LeakyRelu or Activation.Elu or Activation.Gelu;
        float limit = MathF.Sqrt(6f / (he ? fanIn : fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (2f * random.NextFloat() - 1f) * limit;
        }
    }

    /// <summary>Initializes a dense layer's weights and zeroes its biases.</summary>
    public static void Uniform(Span<float> parameters, DenseLayer layer, SeededRandom random)
    {
        Uniform(parameters.Slice(layer.WeightOffset, layer.InputSize * layer.OutputSize), layer.InputSize, layer.OutputSize, layer.Activation, random);
        parameters.Slice(layer.BiasOffset, layer.OutputSize).Clear();
    }
}
