namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>
/// Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c>, or from the folder <c>FASHION_MNIST_DIR</c> names: the one loader of the
/// samples, the tests and the benchmarks.
/// </summary>
public static class FashionMnist
{
    /// <summary>Side of an image in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels of an image: the width of its feature vector.</summary>
    public const int Pixels = Side * Side;

    /// <summary>The ten class names, by class number.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The folder holding the four <c>*-idx*-ubyte.gz</c> files: <c>FASHION_MNIST_DIR</c> when set, else Debian's.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") is { Length: > 0 } directory ? directory : "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// Reads the first <paramref name="limit"/> images (all when null; pixels in [0, 1]) and their classes of <paramref name="set"/>,
    /// "train" or "t10k", from <paramref name="directory"/> (<see cref="Directory"/> when null).
    /// </summary>
    /// <exception cref="FileNotFoundException">The data set is not there; the message says how to install it.</exception>
    public static (FeatureMatrix Images, byte[] Classes) Read(string set, int? limit = null, string? directory = null)
    {
        directory ??= Directory;
        string images = Path.Combine(directory, $"{set}-images-idx3-ubyte.gz");
        if (!File.Exists(images))
        {
            throw new FileNotFoundException(
                $"Fashion-MNIST is not at {images}: install Debian's dataset-fashion-mnist package, or set FASHION_MNIST_DIR to a folder holding the four idx files.", images);
        }

        return (IdxFile.ReadImages(images, limit), IdxFile.ReadLabels(Path.Combine(directory, $"{set}-labels-idx1-ubyte.gz"), limit));
    }

    /// <summary>The same images as <see cref="Read"/>, as ML.NET rows: each with its row number in the file and its class, labelled 0.</summary>
    /// <exception cref="FileNotFoundException">The data set is not there; the message says how to install it.</exception>
    public static ImageRow[] ReadRows(string set, int? limit = null)
    {
        (FeatureMatrix images, byte[] classes) = Read(set, limit);
        return Enumerable.Range(0, images.RowCount)
            .Select(i => new ImageRow { Id = (uint)i, Class = classes[i], Features = images.Row(i).ToArray() })
            .ToArray();
    }
}
