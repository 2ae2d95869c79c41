using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>
/// A fully connected layer y = f(x W + b) over a batch of rows. W (inputs x outputs, row-major) and b live in
/// the network's flat parameter vector at <see cref="WeightOffset"/> and <see cref="BiasOffset"/>. As an <see cref="ITensorLayer"/> it keeps
/// its pre-activation in <see cref="LayerScratch.PreActivation"/> when that buffer is there (see <see cref="CreateScratch(int, bool)"/>).
/// </summary>
internal sealed class DenseLayer : ITensorLayer
{
    public DenseLayer(int inputSize, int outputSize, Activation activation, int weightOffset)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        WeightOffset = weightOffset;
        BiasOffset = weightOffset + inputSize * outputSize;
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public Activation Activation { get; }

    public int WeightOffset { get; }

    public int BiasOffset { get; }

    /// <summary>Weights and biases together.</summary>
    public int ParameterCount => InputSize * OutputSize + OutputSize;

    public int ParameterOffset => WeightOffset;

    /// <summary>No scratch: the multiply fuses bias and activation.</summary>
    public LayerScratch CreateScratch(int maxRows) => LayerScratch.None;

    /// <summary>A scratch whose <see cref="LayerScratch.PreActivation"/> keeps x W + b when <paramref name="keepPreActivation"/> (a loss on logits, or an activation whose derivative reads it).</summary>
    public LayerScratch CreateScratch(int maxRows, bool keepPreActivation) => keepPreActivation ? new LayerScratch(0, 0, maxRows * OutputSize) : LayerScratch.None;

    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
        TensorLayerInitialization.Uniform(parameters.Slice(WeightOffset, InputSize * OutputSize), InputSize, OutputSize, Activation, initialization, random);
        parameters.Slice(BiasOffset, OutputSize).Clear();
    }

    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch) =>
        Forward(parameters, input, rows, output, scratch.PreActivation);

    public PackedMatrix? PackForInference(ReadOnlySpan<float> parameters) => PackWeights(parameters);

    public void Infer(PackedMatrix? packed, ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, LayerScratch scratch) =>
        Forward(packed!, parameters, input, rows, output);

    public void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int rows,
        Span<float> gradient, Span<float> parameterGradients, Span<float> inputGradient, LayerScratch scratch) =>
        Backward(parameters, input, output, scratch.PreActivation, rows, gradient, false, parameterGradients, inputGradient);

    public ReadOnlySpan<float> Weights(ReadOnlySpan<float> parameters) => parameters.Slice(WeightOffset, InputSize * OutputSize);

    public ReadOnlySpan<float> Bias(ReadOnlySpan<float> parameters) => parameters.Slice(BiasOffset, OutputSize);

    /// <summary>
    /// output = f(input W + b) for <paramref name="rows"/> rows. When <paramref name="preActivation"/> is not
    /// empty it receives input W + b (the backward pass of some activations and losses needs it); otherwise
    /// bias and activation are fused into the multiply.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> preActivation)
    {
        int size = rows * OutputSize;
        if (preActivation.IsEmpty)
        {
            Gemm.Multiply(rows, OutputSize, InputSize, input, false, Weights(parameters), false, output[..size], Bias(parameters), Activation);
        }
        else
        {
            Gemm.Multiply(rows, OutputSize, InputSize, input, false, Weights(parameters), false, preActivation[..size], Bias(parameters));
            preActivation[..size].CopyTo(output);
            ActivationKernels.Apply(Activation, output[..size]);
        }
    }

    /// <summary>output = f(input W + b) with W packed ahead of time (inference with a trained model's weights).</summary>
    public void Forward(PackedMatrix weights, ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Span<float> output) =>
        Gemm.Multiply(rows, input, false, weights, output[..(rows * OutputSize)], Bias(parameters), Activation);

    /// <summary>Packs this layer's weights for <see cref="Forward(PackedMatrix, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/>.</summary>
    public PackedMatrix PackWeights(ReadOnlySpan<float> parameters) => new(Weights(parameters), InputSize, OutputSize, transposed: false);

    /// <summary>
    /// Backpropagates through the layer. <paramref name="gradient"/> holds dL/d(output) on entry, or dL/d(pre-activation)
    /// when <paramref name="gradientIsPreActivation"/>, and is overwritten with dL/d(pre-activation). Writes dL/dW and dL/db
    /// into <paramref name="parameterGradients"/> and, unless <paramref name="inputGradient"/> is empty, dL/d(input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(
        ReadOnlySpan<float> parameters,
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> output,
        ReadOnlySpan<float> preActivation,
        int rows,
        Span<float> gradient,
        bool gradientIsPreActivation,
        Span<float> parameterGradients,
        Span<float> inputGradient)
    {
        int size = rows * OutputSize;
        Span<float> delta = gradient[..size];
        if (!gradientIsPreActivation)
        {
            ActivationKernels.Backward(Activation, output[..size], preActivation.IsEmpty ? default : preActivation[..size], delta);
        }

        Span<float> weightGradient = parameterGradients.Slice(WeightOffset, InputSize * OutputSize);
        Gemm.Multiply(InputSize, OutputSize, rows, input[..(rows * InputSize)], true, delta, false, weightGradient);

        Span<float> biasGradient = parameterGradients.Slice(BiasOffset, OutputSize);
        delta[..OutputSize].CopyTo(biasGradient);
        for (int r = 1; r < rows; r++)
        {
            VectorKernels.Add(biasGradient, delta.Slice(r * OutputSize, OutputSize));
        }

        if (!inputGradient.IsEmpty)
        {
            Gemm.Multiply(rows, InputSize, OutputSize, delta, false, Weights(parameters), true, inputGradient[..(rows * InputSize)]);
        }
    }
}
