using System.Collections.Concurrent;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Networks;

namespace Microsoft.ML.Autoencoders;

/// <summary>Inference of a convolutional autoencoder: the same contract, run through the convolutional stack in chunks of rows.</summary>
public sealed partial class AutoencoderModel
{
    private const int ConvolutionalChunkRows = 256;

    private readonly ConvolutionalNetwork? _convolutional;
    private readonly ConcurrentBag<(float[][] Outputs, LayerScratch[] Scratch)> _convolutionalWorkspaces = new();

    private void RunConvolutional(ReadOnlySpan<float> inputs, int rows, Span<float> codes, Span<float> reconstructions, Span<float> scores, Span<float> featureErrors)
    {
        ConvolutionalNetwork network = _convolutional!;
        bool decode = !reconstructions.IsEmpty || !scores.IsEmpty || !featureErrors.IsEmpty;
        int end = decode ? network.Layers.Count : network.CodeLayer + 1;
        (float[][] outputs, LayerScratch[] scratch) = RentConvolutionalWorkspace();
        try
        {
            for (int start = 0; start < rows; start += ConvolutionalChunkRows)
            {
                int count = Math.Min(ConvolutionalChunkRows, rows - start);
                ReadOnlySpan<float> x = inputs.Slice(start * InputSize, count * InputSize);
                ReadOnlySpan<float> y = network.Forward(_parameters, x, count, outputs, scratch, 0, end);
                if (!codes.IsEmpty)
                {
                    outputs[network.CodeLayer].AsSpan(0, count * CodeSize).CopyTo(codes.Slice(start * CodeSize, count * CodeSize));
                }

                if (!reconstructions.IsEmpty)
                {
                    y.CopyTo(reconstructions.Slice(start * InputSize, count * InputSize));
                }

                if (!scores.IsEmpty || !featureErrors.IsEmpty)
                {
                    Span<float> chunkScores = scores.IsEmpty ? default : scores.Slice(start, count);
                    Span<float> chunkErrors = featureErrors.IsEmpty ? default : featureErrors.Slice(start * InputSize, count * InputSize);
                    ScoreChunk(x, y, count, chunkScores, chunkErrors);
                    MarkUnusableRows(x, count, chunkScores, chunkErrors);
                }
            }
        }
        finally
        {
            _convolutionalWorkspaces.Add((outputs, scratch));
        }
    }

    private void DecodeConvolutional(ReadOnlySpan<float> codes, int rows, Span<float> outputs)
    {
        ConvolutionalNetwork network = _convolutional!;
        (float[][] buffers, LayerScratch[] scratch) = RentConvolutionalWorkspace();
        try
        {
            for (int start = 0; start < rows; start += ConvolutionalChunkRows)
            {
                int count = Math.Min(ConvolutionalChunkRows, rows - start);
                network.Forward(_parameters, codes.Slice(start * CodeSize, count * CodeSize), count, buffers, scratch, network.CodeLayer + 1, network.Layers.Count)
                    .CopyTo(outputs.Slice(start * InputSize, count * InputSize));
            }
        }
        finally
        {
            _convolutionalWorkspaces.Add((buffers, scratch));
        }
    }

    private (float[][] Outputs, LayerScratch[] Scratch) RentConvolutionalWorkspace() =>
        _convolutionalWorkspaces.TryTake(out var workspace)
            ? workspace
            : (_convolutional!.Layers.Select(l => new float[ConvolutionalChunkRows * l.OutputSize]).ToArray(), _convolutional.CreateScratch(ConvolutionalChunkRows));
}
