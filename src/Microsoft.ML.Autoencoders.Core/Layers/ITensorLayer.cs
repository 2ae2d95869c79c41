using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>
/// One layer of a network over rows of flat values (dense rows, or channels-last maps). Stateless: parameters, buffers and the per-layer
/// <see cref="LayerScratch"/> are passed in, so one layer serves training and concurrent inference.
/// </summary>
internal interface ITensorLayer
{
    /// <summary>Values per row going in.</summary>
    int InputSize { get; }

    /// <summary>Values per row coming out.</summary>
    int OutputSize { get; }

    /// <summary>Weights and biases of the layer, at <see cref="ParameterOffset"/> in the network's parameter vector.</summary>
    int ParameterCount { get; }

    /// <summary>Where the layer's parameters start in the network's parameter vector.</summary>
    int ParameterOffset { get; }

    /// <summary>The scratch the layer needs for batches of up to <paramref name="maxRows"/> rows.</summary>
    LayerScratch CreateScratch(int maxRows);

    /// <summary>Draws initial weights as <paramref name="initialization"/> says and zeroes the biases.</summary>
    void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random);

    /// <summary>output = layer(input) for <paramref name="rows"/> rows.</summary>
    void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch);

    /// <summary>The layer's weights packed once for <see cref="Infer"/>, or null when it multiplies them unpacked.</summary>
    PackedMatrix? PackForInference(ReadOnlySpan<float> parameters) => null;

    /// <summary>output = layer(input) with a trained model's weights, <paramref name="packed"/> by <see cref="PackForInference"/>.</summary>
    void Infer(PackedMatrix? packed, ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch) =>
        Forward(parameters, input, rows, output, scratch);

    /// <summary>
    /// Backpropagates: <paramref name="gradient"/> holds d loss / d output and may be overwritten; writes d loss / d parameters into the layer's
    /// slice of <paramref name="parameterGradients"/> and, unless <paramref name="inputGradient"/> is empty, d loss / d input.
    /// </summary>
    void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch);
}
