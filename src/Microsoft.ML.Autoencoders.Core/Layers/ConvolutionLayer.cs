using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>
/// A 2-D convolution with stride and zero padding over channels-last maps, run as im2col into the engine's GEMM: the patches of the whole
/// batch form one matrix (one row per output position) multiplied by the kernel matrix (patch x output channels), bias and activation fused.
/// </summary>
internal sealed class ConvolutionLayer : ITensorLayer
{
    private readonly DenseLayer _patches;

    public ConvolutionLayer(ConvolutionGeometry geometry, int outputChannels, Activation activation, int parameterOffset)
    {
        Geometry = geometry;
        OutputChannels = outputChannels;
        _patches = new DenseLayer(geometry.PatchSize, outputChannels, activation, parameterOffset);
        ParameterOffset = parameterOffset;
    }

    public ConvolutionGeometry Geometry { get; }

    public int OutputChannels { get; }

    public Activation Activation => _patches.Activation;

    public int InputSize => Geometry.InputSize;

    public int OutputSize => Geometry.OutputPositions * OutputChannels;

    public int ParameterCount => _patches.ParameterCount;

    public int ParameterOffset { get; }

    public LayerScratch CreateScratch(int maxRows) => new(maxRows * Geometry.OutputPositions * Geometry.PatchSize, 0);

    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random) =>
        _patches.Initialize(parameters, initialization, random);

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch)
    {
        Span<float> columns = scratch.Columns.AsSpan(0, rows * Geometry.OutputPositions * Geometry.PatchSize);
        Im2Col.Gather(Geometry, input, rows, columns);
        _patches.Forward(parameters, columns, rows * Geometry.OutputPositions, output, Span<float>.Empty);
    }

    public void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch)
    {
        int positions = rows * Geometry.OutputPositions;
        Span<float> columns = scratch.Columns.AsSpan(0, positions * Geometry.PatchSize);

        // The patches are read for the weight gradient before the same buffer receives d loss / d patches.
        _patches.Backward(parameters, columns, output, default, positions, gradient, false, parameterGradients, inputGradient.IsEmpty ? default : columns);
        if (!inputGradient.IsEmpty)
        {
            inputGradient[..(rows * InputSize)].Clear();
            Im2Col.ScatterAdd(Geometry, columns, rows, inputGradient);
        }
    }
}
