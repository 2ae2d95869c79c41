namespace Microsoft.ML.Autoencoders.Tests.Data;

/// <summary>Fashion-MNIST as Debian's dataset-fashion-mnist installs it (or where FASHION_MNIST_DIR points), loaded once per test run.</summary>
internal static class FashionMnist
{
    private static readonly Lazy<(FeatureMatrix Images, byte[] Labels)> Train = new(() => Load("train", 60000));
    private static readonly Lazy<(FeatureMatrix Images, byte[] Labels)> Test = new(() => Load("t10k", 10000));

    public static string Directory =>
        Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") is { Length: > 0 } dir ? dir : "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> training images and labels.</summary>
    public static (FeatureMatrix Images, byte[] Labels) TrainingSubset(int count) => Take(Train.Value, count);

    /// <summary>The first <paramref name="count"/> test images and labels.</summary>
    public static (FeatureMatrix Images, byte[] Labels) TestSubset(int count) => Take(Test.Value, count);

    private static (FeatureMatrix, byte[]) Take((FeatureMatrix Images, byte[] Labels) set, int count) =>
        (new FeatureMatrix(set.Images.Values[..(count * set.Images.ColumnCount)].ToArray(), set.Images.ColumnCount), set.Labels[..count]);

    private static (FeatureMatrix, byte[]) Load(string prefix, int count)
    {
        string images = Path.Combine(Directory, $"{prefix}-images-idx3-ubyte.gz");
        if (!File.Exists(images))
        {
            Assert.Fail($"Fashion-MNIST is missing: {images} does not exist. Install Debian's dataset-fashion-mnist (.ci/run does) or set FASHION_MNIST_DIR.");
        }

        return (IdxFile.ReadImages(images, count), IdxFile.ReadLabels(Path.Combine(Directory, $"{prefix}-labels-idx1-ubyte.gz"), count));
    }
}
