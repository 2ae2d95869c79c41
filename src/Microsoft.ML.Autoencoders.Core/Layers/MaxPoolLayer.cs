using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>Max pooling over non-overlapping size x size windows of channels-last maps (a ragged edge is dropped); gradients go to each window's winner.</summary>
internal sealed class MaxPoolLayer(int inputHeight, int inputWidth, int channels, int size, int parameterOffset) : ITensorLayer
{
    /// <summary>Height and width of each pooling window, and its stride.</summary>
    public int Size => size;

    public int OutputHeight => inputHeight / size;

    public int OutputWidth => inputWidth / size;

    public int Channels => channels;

    public int InputSize => inputHeight * inputWidth * channels;

    public int OutputSize => OutputHeight * OutputWidth * channels;

    public int ParameterCount => 0;

    public int ParameterOffset => parameterOffset;

    public LayerScratch CreateScratch(int maxRows) => new(0, maxRows * OutputSize);

    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
    }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch)
    {
        int[] winners = scratch.Indices;
        for (int r = 0; r < rows; r++)
        {
            for (int oy = 0; oy < OutputHeight; oy++)
            {
                for (int ox = 0; ox < OutputWidth; ox++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int best = r * InputSize + ((oy * size) * inputWidth + ox * size) * channels + c;
                        for (int dy = 0; dy < size; dy++)
                        {
                            for (int dx = 0; dx < size; dx++)
                            {
                                int index = r * InputSize + ((oy * size + dy) * inputWidth + ox * size + dx) * channels + c;
                                if (input[index] > input[best])
                                {
                                    best = index;
                                }
                            }
                        }

                        int o = r * OutputSize + (oy * OutputWidth + ox) * channels + c;
                        output[o] = input[best];
                        winners[o] = best;
                    }
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
        int[] winners = scratch.Indices;
        for (int o = 0; o < rows * OutputSize; o++)
        {
            inputGradient[winners[o]] += gradient[o];
        }
    }
}
