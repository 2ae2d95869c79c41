using Microsoft.ML.Autoencoders.Layers;

namespace Microsoft.ML.Autoencoders.Networks;

/// <summary>
/// The buffers one forward and backward pass of an <see cref="AutoencoderNetwork"/> needs: each layer's output and scratch, a variational
/// network's sampled code, and two gradient buffers. Allocated once and reused for every batch; never shared between threads.
/// Made by <see cref="AutoencoderNetwork.CreateWorkspace"/>.
/// </summary>
internal sealed class NetworkWorkspace
{
    private readonly float[][] _outputs;
    private readonly float[] _gradient;
    private readonly float[] _spareGradient;

    public NetworkWorkspace(AutoencoderNetwork network, int maxRows, LayerScratch[] scratch, bool forTraining)
    {
        _outputs = network.Layers.Select(layer => new float[maxRows * layer.OutputSize]).ToArray();
        Scratch = scratch;
        Latent = new float[maxRows * network.LatentWidth];
        _gradient = forTraining ? new float[maxRows * network.MaxWidth] : [];
        _spareGradient = forTraining ? new float[maxRows * network.MaxWidth] : [];
        Outputs = new LayerBuffers(_outputs);
    }

    /// <summary>For a variational network: the latent vectors the decoder reads (rows x code size); empty otherwise.</summary>
    public float[] Latent { get; }

    /// <summary>Each layer's output.</summary>
    public LayerBuffers Outputs { get; }

    /// <summary>Each layer's scratch; a dense layer's holds its pre-activation when kept.</summary>
    public LayerScratch[] Scratch { get; }

    /// <summary>Layer <paramref name="layer"/>'s pre-activation: empty for the layers that do not keep it.</summary>
    public Span<float> PreActivation(int layer) => Scratch[layer].PreActivation;

    /// <summary>d loss / d (a layer's output), for the layer being backpropagated.</summary>
    public Span<float> OutputGradient => _gradient;

    /// <summary>Where the next layer down receives its gradient.</summary>
    public Span<float> SpareGradient => _spareGradient;

    /// <summary>One buffer per layer.</summary>
    public readonly struct LayerBuffers(float[][] buffers)
    {
        public Span<float> this[int layer] => buffers[layer];
    }
}
