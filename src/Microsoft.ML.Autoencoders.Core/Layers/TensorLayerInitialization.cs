using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>Initial weights of every layer: uniform with He's limit or Glorot's, as <see cref="WeightInitialization"/> says; zero biases.</summary>
internal static class TensorLayerInitialization
{
    /// <summary>Fills <paramref name="weights"/> from U(-a, a) for a layer with the given fan-in, fan-out and activation.</summary>
    public static void Uniform(Span<float> weights, int fanIn, int fanOut, Activation activation, WeightInitialization initialization, SeededRandom random)
    {
        bool he = initialization == WeightInitialization.He
            || initialization == WeightInitialization.Auto && activation is Activation.Relu or Activation.LeakyRelu or Activation.Elu or Activation.Gelu;
        float limit = MathF.Sqrt(6f / (he ? fanIn : fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (2f * random.NextFloat() - 1f) * limit;
        }
    }
}
