using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Networks;

/// <summary>
/// The stack of dense layers an <see cref="AutoencoderArchitecture"/> describes, over one flat parameter vector
/// (each layer's weights, then its biases). Stateless: parameters and buffers are passed in, so one network
/// serves a trainer and any number of concurrent inference calls.
/// </summary>
internal sealed class DenseNetwork
{
    public DenseNetwork(AutoencoderArchitecture architecture)
    {
        Architecture = architecture;
        IReadOnlyList<int> sizes = architecture.LayerSizes;
        var layers = new DenseLayer[architecture.LayerCount];
        int offset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            int inputs = i == architecture.EncoderLayerCount ? architecture.CodeSize : sizes[i];
            int outputs = i == architecture.EncoderLayerCount - 1 ? architecture.CodeLayerWidth : sizes[i + 1];
            layers[i] = new DenseLayer(inputs, outputs, architecture.ActivationOf(i), offset);
            offset += layers[i].ParameterCount;
        }

        Layers = layers;
        ParameterCount = offset;
        MaxWidth = Math.Max(sizes.Max(), architecture.CodeLayerWidth);
    }

    public AutoencoderArchitecture Architecture { get; }

    public IReadOnlyList<DenseLayer> Layers { get; }

    public int ParameterCount { get; }

    /// <summary>The widest layer, input and output included.</summary>
    public int MaxWidth { get; }

    /// <summary>Index of the layer whose output is the code.</summary>
    public int CodeLayer => Architecture.EncoderLayerCount - 1;

    /// <summary>Draws initial weights from <paramref name="random"/> and zeroes the biases.</summary>
    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
        foreach (DenseLayer layer in Layers)
        {
            bool he = initialization == WeightInitialization.He
                || initialization == WeightInitialization.Auto && layer.Activation is Activation.Relu or Activation.LeakyRelu or Activation.Elu or Activation.Gelu;
            float limit = MathF.Sqrt(6f / (he ? layer.InputSize : layer.InputSize + layer.OutputSize));
            Span<float> weights = parameters.Slice(layer.WeightOffset, layer.InputSize * layer.OutputSize);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (2f * random.NextFloat() - 1f) * limit;
            }

            parameters.Slice(layer.BiasOffset, layer.OutputSize).Clear();
        }
    }

    /// <summary>Runs layers [0, <paramref name="layerCount"/>) on <paramref name="rows"/> rows of <paramref name="input"/>, filling <paramref name="workspace"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, NetworkWorkspace workspace, int layerCount)
    {
        ReadOnlySpan<float> x = input;
        for (int i = 0; i < layerCount; i++)
        {
            Layers[i].Forward(parameters, x, rows, workspace.Outputs[i], workspace.PreActivations[i]);
            x = workspace.Outputs[i];
        }
    }

    /// <summary>
    /// Backpropagates the gradient in <see cref="NetworkWorkspace.OutputGradient"/> (dL/d(reconstruction), or dL/d(logits)
    /// when <paramref name="gradientIsLogits"/>) through every layer, writing dL/d(parameters) into <paramref name="parameterGradients"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, NetworkWorkspace workspace, bool gradientIsLogits, Span<float> parameterGradients)
    {
        Span<float> gradient = workspace.OutputGradient;
        Span<float> spare = workspace.SpareGradient;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            ReadOnlySpan<float> layerInput = i == 0 ? input : workspace.Outputs[i - 1];
            Span<float> inputGradient = i == 0 ? default : spare;
            Layers[i].Backward(
                parameters, layerInput, workspace.Outputs[i], workspace.PreActivations[i], rows,
                gradient, gradientIsLogits && i == Layers.Count - 1, parameterGradients, inputGradient);
            Span<float> swap = gradient;
            gradient = spare;
            spare = swap;
        }
    }
}
