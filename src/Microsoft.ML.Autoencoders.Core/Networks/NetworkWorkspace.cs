namespace Microsoft.ML.Autoencoders.Networks;

/// <summary>
/// The buffers one forward and backward pass of a <see cref="DenseNetwork"/> needs for up to <see cref="MaxRows"/> rows:
/// each layer's output, the pre-activations of the layers that keep them, and two gradient buffers.
/// Allocated once and reused for every batch; never shared between threads.
/// </summary>
internal sealed class NetworkWorkspace
{
    private readonly float[][] _outputs;
    private readonly float[]?[] _preActivations;
    private readonly float[] _gradient;
    private readonly float[] _spareGradient;

    /// <param name="network">The network.</param>
    /// <param name="maxRows">The largest batch.</param>
    /// <param name="keepLogits">Keep the last layer's pre-activation (a loss computed on logits needs it).</param>
    /// <param name="forTraining">Allocate the gradient buffers too.</param>
    public NetworkWorkspace(DenseNetwork network, int maxRows, bool keepLogits, bool forTraining)
    {
        MaxRows = maxRows;
        int count = network.Layers.Count;
        _outputs = new float[count][];
        _preActivations = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var layer = network.Layers[i];
            _outputs[i] = new float[maxRows * layer.OutputSize];
            bool keep = forTraining && Kernels.ActivationKernels.NeedsInput(layer.Activation) || keepLogits && i == count - 1;
            _preActivations[i] = keep ? new float[maxRows * layer.OutputSize] : null;
        }

        Latent = network.Architecture.IsVariational ? new float[maxRows * network.Architecture.CodeSize] : [];
        _gradient = forTraining ? new float[maxRows * network.MaxWidth] : [];
        _spareGradient = forTraining ? new float[maxRows * network.MaxWidth] : [];
        Outputs = new LayerBuffers(_outputs);
        PreActivations = new LayerBuffers(_preActivations);
    }

    public int MaxRows { get; }

    /// <summary>For a variational network: the latent vectors the decoder reads (rows x code size); empty otherwise.</summary>
    public float[] Latent { get; }

    /// <summary>Each layer's output.</summary>
    public LayerBuffers Outputs { get; }

    /// <summary>Each layer's pre-activation: empty for the layers that do not keep it.</summary>
    public LayerBuffers PreActivations { get; }

    public Span<float> OutputGradient => _gradient;

    public Span<float> SpareGradient => _spareGradient;

    /// <summary>One buffer per layer.</summary>
    public readonly struct LayerBuffers(float[]?[] buffers)
    {
        public Span<float> this[int layer] => buffers[layer];
    }
}
