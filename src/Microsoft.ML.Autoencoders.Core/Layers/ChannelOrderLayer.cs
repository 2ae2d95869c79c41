using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>Reorders each row between channel-major (channels x height x width, how data arrives) and channels-last (how the convolutions run).</summary>
internal sealed class ChannelOrderLayer(int channels, int height, int width, bool toChannelsLast, int parameterOffset) : ITensorLayer
{
    public int InputSize => channels * height * width;

    public int OutputSize => InputSize;

    public int ParameterCount => 0;

    public int ParameterOffset => parameterOffset;

    public LayerScratch CreateScratch(int maxRows) => LayerScratch.None;

    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
    }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch) =>
        Reorder(input, rows, output, toChannelsLast);

    public void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch)
    {
        if (!inputGradient.IsEmpty)
        {
            Reorder(gradient, rows, inputGradient, !toChannelsLast);
        }
    }

    private void Reorder(ReadOnlySpan<float> source, int rows, Span<float> target, bool channelsLast)
    {
        int pixels = height * width;
        for (int r = 0; r < rows; r++)
        {
            int offset = r * InputSize;
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < pixels; p++)
                {
                    if (channelsLast)
                    {
                        target[offset + p * channels + c] = source[offset + c * pixels + p];
                    }
                    else
                    {
                        target[offset + c * pixels + p] = source[offset + p * channels + c];
                    }
                }
            }
        }
    }
}
