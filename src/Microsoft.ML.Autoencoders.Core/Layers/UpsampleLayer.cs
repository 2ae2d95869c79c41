using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>Nearest-neighbour upsampling of channels-last maps by an integer factor; the gradient of an input cell is the sum over its copies.</summary>
internal sealed class UpsampleLayer(int inputHeight, int inputWidth, int channels, int factor, int parameterOffset) : ITensorLayer
{
    public int Factor => factor;

    public int OutputHeight => inputHeight * factor;

    public int OutputWidth => inputWidth * factor;

    public int Channels => channels;

    public int InputSize => inputHeight * inputWidth * channels;

    public int OutputSize => OutputHeight * OutputWidth * channels;

    public int ParameterCount => 0;

    public int ParameterOffset => parameterOffset;

    public LayerScratch CreateScratch(int maxRows) => LayerScratch.None;

    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
    }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int oy = 0; oy < OutputHeight; oy++)
            {
                for (int ox = 0; ox < OutputWidth; ox++)
                {
                    input.Slice(r * InputSize + ((oy / factor) * inputWidth + ox / factor) * channels, channels)
                        .CopyTo(output.Slice(r * OutputSize + (oy * OutputWidth + ox) * channels, channels));
                }
            }
        }
    }

    public void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch)
    {
        if (inputGradient.IsEmpty)
        {
            return;
        }

        inputGradient[..(rows * InputSize)].Clear();
        for (int r = 0; r < rows; r++)
        {
            for (int oy = 0; oy < OutputHeight; oy++)
            {
                for (int ox = 0; ox < OutputWidth; ox++)
                {
                    Span<float> target = inputGradient.Slice(r * InputSize + ((oy / factor) * inputWidth + ox / factor) * channels, channels);
                    TensorPrimitives.Add(target, gradient.Slice(r * OutputSize + (oy * OutputWidth + ox) * channels, channels), target);
                }
            }
        }
    }
}
