using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>A <see cref="DenseLayer"/> in a convolutional network: the dense bottleneck that flattens a map into a code, or expands a code into a map.</summary>
internal sealed class DenseTensorLayer(int inputSize, int outputSize, Activation activation, int parameterOffset) : ITensorLayer
{
    private readonly DenseLayer _layer = new(inputSize, outputSize, activation, parameterOffset);

    public Activation Activation => activation;

    public int InputSize => inputSize;

    public int OutputSize => outputSize;

    public int ParameterCount => _layer.ParameterCount;

    public int ParameterOffset => parameterOffset;

    public LayerScratch CreateScratch(int maxRows) => LayerScratch.None;

    public void Initialize(Span<float> parameters, SeededRandom random) => TensorLayerInitialization.Uniform(parameters, _layer, random);

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch) =>
        _layer.Forward(parameters, input, rows, output, default);

    public void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch) =>
        _layer.Backward(parameters, input, output, default, rows, gradient, false, parameterGradients, inputGradient);
}
