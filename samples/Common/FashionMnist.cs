namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c>, or from the folder <c>FASHION_MNIST_DIR</c> names.</summary>
public static class FashionMnist
{
    /// <summary>Side of an image in pixels.</summary>
    public const int Side = 28;

    /// <summary>The ten class names, by class number.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The folder holding the four <c>*-idx*-ubyte.gz</c> files.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") is { Length: > 0 } directory ? directory : "/usr/share/datasets/fashion-mnist";

    /// <summary>Reads the images (pixels in [0, 1]) and classes of <paramref name="set"/>, "train" or "t10k".</summary>
    /// <exception cref="FileNotFoundException">The data set is not installed; the message says how to install it.</exception>
    public static (FeatureMatrix Images, byte[] Classes) Read(string set, int? limit = null)
    {
        string images = Path.Combine(Directory, $"{set}-images-idx3-ubyte.gz");
        if (!File.Exists(images))
        {
            throw new FileNotFoundException(
                $"Fashion-MNIST is not at {images}: install Debian's dataset-fashion-mnist package, or set FASHION_MNIST_DIR to a folder holding the four idx files.", images);
        }

        return (IdxFile.ReadImages(images, limit), IdxFile.ReadLabels(Path.Combine(Directory, $"{set}-labels-idx1-ubyte.gz"), limit));
    }
}
