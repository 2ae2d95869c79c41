namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>The buffers one forward and backward pass of a <see cref="ClassifierNetwork"/> needs for up to <see cref="MaxRows"/> rows, allocated once.</summary>
internal sealed class ClassifierWorkspace
{
    public ClassifierWorkspace(ClassifierNetwork network, int maxRows)
    {
        MaxRows = maxRows;
        Outputs = network.EncoderLayers.Select(layer => new float[maxRows * layer.OutputSize]).ToArray();
        PreActivations = network.EncoderLayers.Select(layer => new float[maxRows * layer.OutputSize]).ToArray();
        int widest = network.EncoderLayers.Max(layer => Math.Max(layer.InputSize, layer.OutputSize));
        Code = new float[maxRows * network.CodeSize];
        Logits = new float[maxRows * network.OutputSize];
        Delta = new float[maxRows * network.OutputSize];
        GradientA = new float[maxRows * widest];
        GradientB = new float[maxRows * widest];
    }

    /// <summary>Rows the buffers hold.</summary>
    public int MaxRows { get; }

    /// <summary>Each encoder layer's output.</summary>
    public float[][] Outputs { get; }

    /// <summary>Each encoder layer's pre-activation, for the activations' derivatives.</summary>
    public float[][] PreActivations { get; }

    /// <summary>The head's input: the code, after dropout while training.</summary>
    public float[] Code { get; }

    /// <summary>The head's output.</summary>
    public float[] Logits { get; }

    /// <summary>The loss's gradient with respect to the logits.</summary>
    public float[] Delta { get; }

    /// <summary>Gradients flowing back through the encoder, alternately.</summary>
    public float[] GradientA { get; }

    /// <summary>Gradients flowing back through the encoder, alternately.</summary>
    public float[] GradientB { get; }
}
