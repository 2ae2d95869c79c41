using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>
/// A transposed 2-D convolution (the adjoint of a strided convolution), for decoders: one GEMM multiplies every input position of the batch by
/// the kernel matrix (input channels x kernel x kernel x output channels), then col2im scatters the products into the larger output map;
/// bias and activation follow. Output size: (input - 1) * stride - 2 * padding + kernel.
/// </summary>
internal sealed class TransposedConvolutionLayer : ITensorLayer
{
    public TransposedConvolutionLayer(int inputHeight, int inputWidth, int inputChannels, int outputChannels, int kernel, int stride, int padding, Activation activation, int parameterOffset)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        Activation = activation;
        int outputHeight = (inputHeight - 1) * stride - 2 * padding + kernel;
        int outputWidth = (inputWidth - 1) * stride - 2 * padding + kernel;

        // The convolution this layer is the adjoint of: from the output map back to the input map.
        Adjoint = new ConvolutionGeometry(outputHeight, outputWidth, outputChannels, kernel, stride, padding);
        ParameterOffset = parameterOffset;
    }

    public int InputHeight { get; }

    public int InputWidth { get; }

    public int InputChannels { get; }

    public int OutputChannels { get; }

    public Activation Activation { get; }

    public ConvolutionGeometry Adjoint { get; }

    public int OutputHeight => Adjoint.InputHeight;

    public int OutputWidth => Adjoint.InputWidth;

    public int InputSize => InputHeight * InputWidth * InputChannels;

    public int OutputSize => Adjoint.InputSize;

    private int WeightCount => InputChannels * Adjoint.PatchSize;

    public int ParameterCount => WeightCount + OutputChannels;

    public int ParameterOffset { get; }

    public LayerScratch CreateScratch(int maxRows) => new(maxRows * InputHeight * InputWidth * Adjoint.PatchSize, 0);

    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
        int fanIn = InputChannels * Adjoint.Kernel * Adjoint.Kernel / (Adjoint.Stride * Adjoint.Stride);
        TensorLayerInitialization.Uniform(parameters.Slice(ParameterOffset, WeightCount), Math.Max(1, fanIn), Adjoint.PatchSize, Activation, initialization, random);
        parameters.Slice(ParameterOffset + WeightCount, OutputChannels).Clear();
    }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch)
    {
        int positions = rows * InputHeight * InputWidth;
        Span<float> columns = scratch.Columns.AsSpan(0, positions * Adjoint.PatchSize);
        Gemm.Multiply(positions, Adjoint.PatchSize, InputChannels, input, false, parameters.Slice(ParameterOffset, WeightCount), false, columns);
        output = output[..(rows * OutputSize)];
        output.Clear();
        Im2Col.ScatterAdd(Adjoint, columns, rows, output);
        ReadOnlySpan<float> bias = parameters.Slice(ParameterOffset + WeightCount, OutputChannels);
        for (int p = 0; p < output.Length; p += OutputChannels)
        {
            Span<float> cell = output.Slice(p, OutputChannels);
            TensorPrimitives.Add(cell, bias, cell);
        }

        ActivationKernels.Apply(Activation, output);
    }

    public void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch)
    {
        Span<float> delta = gradient[..(rows * OutputSize)];
        ActivationKernels.Backward(Activation, output[..delta.Length], default, delta);
        Span<float> biasGradient = parameterGradients.Slice(ParameterOffset + WeightCount, OutputChannels);
        biasGradient.Clear();
        for (int p = 0; p < delta.Length; p += OutputChannels)
        {
            TensorPrimitives.Add(biasGradient, delta.Slice(p, OutputChannels), biasGradient);
        }

        int positions = rows * InputHeight * InputWidth;
        Span<float> columns = scratch.Columns.AsSpan(0, positions * Adjoint.PatchSize);
        Im2Col.Gather(Adjoint, delta, rows, columns);
        Gemm.Multiply(InputChannels, Adjoint.PatchSize, positions, input[..(positions * InputChannels)], true, columns, false, parameterGradients.Slice(ParameterOffset, WeightCount));
        if (!inputGradient.IsEmpty)
        {
            Gemm.Multiply(positions, InputChannels, Adjoint.PatchSize, columns, false, parameters.Slice(ParameterOffset, WeightCount), true, inputGradient[..(positions * InputChannels)]);
        }
    }
}
