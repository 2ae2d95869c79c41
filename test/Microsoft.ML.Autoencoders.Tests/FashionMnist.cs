using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>One Fashion-MNIST image as an ML.NET row.</summary>
public sealed class ImageRow
{
    /// <summary>The row's number in its file.</summary>
    public uint Id;

    /// <summary>The class, 0 to 9.</summary>
    public float Class;

    /// <summary>The pixels, scaled to [0, 1].</summary>
    [VectorType(784)]
    public float[] Features = [];
}

/// <summary>Small, cached subsets of Fashion-MNIST (Debian's dataset-fashion-mnist).</summary>
internal static class FashionMnist
{
    private const string Directory = "/usr/share/datasets/fashion-mnist";
    private static readonly Lazy<ImageRow[]> TrainRows = new(() => Read("train", 6000));
    private static readonly Lazy<ImageRow[]> TestRows = new(() => Read("t10k", 2000));

    /// <summary>The first 6,000 training images.</summary>
    public static ImageRow[] Train => TrainRows.Value;

    /// <summary>The first 2,000 test images.</summary>
    public static ImageRow[] Test => TestRows.Value;

    private static ImageRow[] Read(string set, int count)
    {
        FeatureMatrix images = IdxFile.ReadImages(Path.Combine(Directory, $"{set}-images-idx3-ubyte.gz"), count);
        byte[] labels = IdxFile.ReadLabels(Path.Combine(Directory, $"{set}-labels-idx1-ubyte.gz"), count);
        return Enumerable.Range(0, images.RowCount)
            .Select(i => new ImageRow { Id = (uint)i, Class = labels[i], Features = images.Row(i).ToArray() })
            .ToArray();
    }
}
