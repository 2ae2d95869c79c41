namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>The working memory of one <see cref="ITensorLayer"/> for one thread: patch columns and pooling winners.</summary>
internal sealed class LayerScratch(int columns, int indices)
{
    /// <summary>An empty scratch, for layers that need none.</summary>
    public static LayerScratch None { get; } = new(0, 0);

    /// <summary>im2col patches, or a transposed convolution's per-position products.</summary>
    public float[] Columns { get; } = new float[columns];

    /// <summary>The input index of each max-pooling winner.</summary>
    public int[] Indices { get; } = new int[indices];
}
