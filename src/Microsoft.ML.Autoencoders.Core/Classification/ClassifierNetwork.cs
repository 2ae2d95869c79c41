using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Members;

namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>
/// An encoder's dense layers (weights in one flat vector) followed by a dense head without activation (weights in another), and the
/// softmax or logistic cross-entropy on its logits. Forward and backward run through <see cref="DenseLayer"/> and its GEMM, into buffers
/// of a <see cref="ClassifierWorkspace"/>: nothing is allocated per batch.
/// </summary>
internal sealed class ClassifierNetwork
{
    /// <summary>A network with encoder layers of these shapes and activations, and a head for <paramref name="classCount"/> classes.</summary>
    public ClassifierNetwork(IReadOnlyList<(int Inputs, int Outputs, Activation Activation)> encoder, ClassifierHead head, int classCount)
    {
        var layers = new DenseLayer[encoder.Count];
        int offset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = new DenseLayer(encoder[i].Inputs, encoder[i].Outputs, encoder[i].Activation, offset);
            offset += layers[i].ParameterCount;
        }

        EncoderLayers = layers;
        EncoderParameterCount = offset;
        HeadKind = head;
        ClassCount = classCount;
        OutputSize = head == ClassifierHead.Logistic ? 1 : classCount;
        Head = new DenseLayer(CodeSize, OutputSize, Activation.Identity, 0);
    }

    /// <summary>The encoder's layers; their offsets are into the encoder's parameter vector.</summary>
    public IReadOnlyList<DenseLayer> EncoderLayers { get; }

    /// <summary>The head; its offsets are into the head's parameter vector.</summary>
    public DenseLayer Head { get; }

    /// <summary>Softmax (multiclass) or logistic (binary).</summary>
    public ClassifierHead HeadKind { get; }

    /// <summary>Classes: K for a softmax head, 2 for a logistic one.</summary>
    public int ClassCount { get; }

    /// <summary>Logits per row: <see cref="ClassCount"/> for a softmax head, 1 for a logistic one.</summary>
    public int OutputSize { get; }

    /// <summary>Features per input row.</summary>
    public int InputSize => EncoderLayers[0].InputSize;

    /// <summary>The encoder's outputs per row: the head's inputs.</summary>
    public int CodeSize => EncoderLayers[^1].OutputSize;

    /// <summary>Weights and biases of every encoder layer.</summary>
    public int EncoderParameterCount { get; }

    /// <summary>Weights and biases of the head.</summary>
    public int HeadParameterCount => Head.ParameterCount;

    /// <summary>
    /// The encoder of <paramref name="autoencoder"/> (its first layers up to the code layer, or for a variational autoencoder the code layer's
    /// mean half) with its weights copied, and a head for <paramref name="classCount"/> classes. A winner-take-all autoencoder's
    /// sparsification is not part of it: the head reads the code before the k largest values are kept.
    /// </summary>
    /// <exception cref="ArgumentException">The autoencoder is not a dense member.</exception>
    public static (ClassifierNetwork Network, float[] EncoderParameters) FromAutoencoder(AutoencoderModel autoencoder, ClassifierHead head, int classCount)
    {
        if (autoencoder.Architecture.Network is not DenseAutoencoderNetwork dense)
        {
            throw new ArgumentException($"The autoencoder {autoencoder.Architecture} is not a dense member; a fine-tuned classifier starts from the encoder of a dense, denoising, sparse, contractive, variational or winner-take-all autoencoder.", nameof(autoencoder));
        }

        int codeSize = autoencoder.CodeSize;
        var shapes = new List<(int, int, Activation)>();
        for (int i = 0; i <= dense.CodeLayer; i++)
        {
            DenseLayer layer = dense.DenseLayers[i];
            shapes.Add((layer.InputSize, i == dense.CodeLayer ? codeSize : layer.OutputSize, layer.Activation));
        }

        var network = new ClassifierNetwork(shapes, head, classCount);
        var parameters = new float[network.EncoderParameterCount];
        ReadOnlySpan<float> source = autoencoder.Parameters;
        for (int i = 0; i <= dense.CodeLayer; i++)
        {
            DenseLayer from = dense.DenseLayers[i], to = network.EncoderLayers[i];
            // Row-major inputs x outputs: a variational code layer's first CodeSize outputs of every row are the means.
            for (int row = 0; row < from.InputSize; row++)
            {
                source.Slice(from.WeightOffset + row * from.OutputSize, to.OutputSize).CopyTo(parameters.AsSpan(to.WeightOffset + row * to.OutputSize, to.OutputSize));
            }

            source.Slice(from.BiasOffset, to.OutputSize).CopyTo(parameters.AsSpan(to.BiasOffset, to.OutputSize));
        }

        return (network, parameters);
    }

    /// <summary>
    /// Runs <paramref name="rows"/> rows of <paramref name="input"/> through the encoder and the head; returns the logits. With a
    /// <paramref name="dropout"/> mask (one scale per code value: 0 or 1 / (1 - rate)), the code is multiplied by it before the head.
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> encoder, ReadOnlySpan<float> head, ReadOnlySpan<float> input, int rows, ClassifierWorkspace workspace, ReadOnlySpan<float> dropout = default)
    {
        ReadOnlySpan<float> x = input[..(rows * InputSize)];
        for (int i = 0; i < EncoderLayers.Count; i++)
        {
            EncoderLayers[i].Forward(encoder, x, rows, workspace.Outputs[i], workspace.PreActivations[i]);
            x = workspace.Outputs[i].AsSpan(0, rows * EncoderLayers[i].OutputSize);
        }

        Span<float> code = workspace.Code.AsSpan(0, rows * CodeSize);
        x.CopyTo(code);
        if (!dropout.IsEmpty)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(code, dropout[..code.Length], code);
        }

        Span<float> logits = workspace.Logits.AsSpan(0, rows * OutputSize);
        Head.Forward(head, code, rows, logits, Span<float>.Empty);
        return logits;
    }

    /// <summary>
    /// The mean cross-entropy of the last <see cref="Forward"/>'s logits against <paramref name="labels"/> (class numbers); writes its
    /// gradient with respect to the logits into the workspace.
    /// </summary>
    public double Loss(ReadOnlySpan<int> labels, int rows, ClassifierWorkspace workspace)
    {
        double total = 0;
        float scale = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = workspace.Logits.AsSpan(r * OutputSize, OutputSize);
            Span<float> delta = workspace.Delta.AsSpan(r * OutputSize, OutputSize);
            if (HeadKind == ClassifierHead.Logistic)
            {
                float y = labels[r];
                total += Softplus(z[0]) - y * z[0];
                delta[0] = (Sigmoid(z[0]) - y) * scale;
            }
            else
            {
                Softmax(z, delta);
                total -= Math.Log(Math.Max(delta[labels[r]], 1e-30f));
                delta[labels[r]] -= 1f;
                System.Numerics.Tensors.TensorPrimitives.Multiply(delta, scale, delta);
            }
        }

        return total / rows;
    }

    /// <summary>
    /// Backpropagates the gradient <see cref="Loss"/> left: the head's gradients into <paramref name="headGradients"/> and, unless
    /// <paramref name="encoderGradients"/> is empty (a frozen encoder), the encoder's into it.
    /// </summary>
    public void Backward(ReadOnlySpan<float> encoder, ReadOnlySpan<float> head, ReadOnlySpan<float> input, int rows, ClassifierWorkspace workspace, Span<float> encoderGradients, Span<float> headGradients, ReadOnlySpan<float> dropout = default)
    {
        bool throughEncoder = !encoderGradients.IsEmpty;
        Span<float> gradient = workspace.GradientA, next = workspace.GradientB;
        Head.Backward(head, workspace.Code, workspace.Logits, default, rows, workspace.Delta, true, headGradients, throughEncoder ? gradient : default);
        if (!throughEncoder)
        {
            return;
        }

        if (!dropout.IsEmpty)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(gradient[..(rows * CodeSize)], dropout[..(rows * CodeSize)], gradient[..(rows * CodeSize)]);
        }

        for (int i = EncoderLayers.Count - 1; i >= 0; i--)
        {
            ReadOnlySpan<float> layerInput = i == 0 ? input : workspace.Outputs[i - 1];
            EncoderLayers[i].Backward(encoder, layerInput, workspace.Outputs[i], workspace.PreActivations[i], rows, gradient, false, encoderGradients, i == 0 ? default : next);
            Span<float> swap = gradient;
            gradient = next;
            next = swap;
        }
    }

    /// <summary>Writes the softmax of <paramref name="logits"/> into <paramref name="probabilities"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        // Shifted by the largest logit, so that no exponential overflows.
        System.Numerics.Tensors.TensorPrimitives.Subtract(logits, System.Numerics.Tensors.TensorPrimitives.Max(logits), probabilities);
        System.Numerics.Tensors.TensorPrimitives.Exp(probabilities, probabilities);
        System.Numerics.Tensors.TensorPrimitives.Divide(probabilities, System.Numerics.Tensors.TensorPrimitives.Sum(probabilities), probabilities);
    }

    /// <summary>1 / (1 + e^-z).</summary>
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    /// <summary>log(1 + e^z), without overflow.</summary>
    private static double Softplus(float z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
}
