namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>The working memory of one <see cref="ITensorLayer"/> for one thread: patch columns, pooling winners, a dense layer's pre-activations.</summary>
internal sealed class LayerScratch(int columns, int indices, int preActivation = 0)
{
    /// <summary>An empty scratch, for layers that need none.</summary>
    public static LayerScratch None { get; } = new(0, 0);

    /// <summary>im2col patches, or a transposed convolution's per-position products.</summary>
    public float[] Columns { get; } = new float[columns];

    /// <summary>The input index of each max-pooling winner.</summary>
    public int[] Indices { get; } = new int[indices];

    /// <summary>A dense layer's x W + b, kept for a loss on logits or an activation whose derivative reads it; empty when not kept.</summary>
    public float[] PreActivation { get; } = new float[preActivation];
}
