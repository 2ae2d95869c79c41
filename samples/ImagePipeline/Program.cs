// Images from files through ML.NET's image transforms into a convolutional autoencoder: the sample first writes a few
// Fashion-MNIST images as PNG files (so it needs no download), then loads, resizes and extracts their pixels with
// Microsoft.ML.ImageAnalytics, trains on one class and scores a mix of classes as anomalies.
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

const int normalClass = 7; // sneakers
const int side = 32;       // the network's input: 1 x 32 x 32
string folder = Path.Combine(OutputFolder.For("ImagePipeline"), "images");
Directory.CreateDirectory(folder);

(FeatureMatrix images, byte[] classes) = FashionMnist.Read("t10k", 3000);
var files = new List<ImageFile>();
for (int i = 0; i < images.RowCount; i++)
{
    string name = $"{i:D4}-{FashionMnist.ClassNames[classes[i]].Replace('/', '-')}.png";
    Pictures.WriteGray(Path.Combine(folder, name), images.Row(i), FashionMnist.Side, FashionMnist.Side);
    files.Add(new ImageFile { Path = name, Class = classes[i], Label = classes[i] == normalClass ? 0f : 1f });
}

Console.WriteLine($"Wrote {files.Count:N0} PNG files to {folder}; training on the {files.Take(2000).Count(f => f.Class == normalClass)} {FashionMnist.ClassNames[normalClass]} images of the first 2,000, testing on the other 1,000.");
var mlContext = new MLContext(seed: 1);
IDataView train = mlContext.Data.LoadFromEnumerable(files.Take(2000).Where(f => f.Class == normalClass));
IDataView test = mlContext.Data.LoadFromEnumerable(files.Skip(2000));

var pipeline = mlContext.Transforms.LoadImages("Image", folder, nameof(ImageFile.Path))
    .Append(mlContext.Transforms.ResizeImages("Image", side, side, "Image", ImageResizingEstimator.ResizingKind.Fill))
    .Append(mlContext.Transforms.ExtractPixels("Features", "Image", ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255f)) // grey: one channel
    .Append(mlContext.Autoencoders.ConvolutionalAutoencoder("Features", imageChannels: 1, imageHeight: side, imageWidth: side, codeSize: 32, epochs: 20, seed: 2));
ITransformer model = TrainingProgress.Run(mlContext, "Training a convolutional autoencoder on the loaded images", () => pipeline.Fit(train));

IDataView scored = model.Transform(test);
AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored, "Label", "Score", "PredictedLabel");
Console.WriteLine($"AUROC {metrics.AreaUnderRocCurve:F4} on {files.Count - 2000:N0} test images ({FashionMnist.ClassNames[normalClass]} normal, every other class an anomaly).");

// The test images as the pipeline saw them, above their reconstructions.
float[][] pixels = scored.GetColumn<VBuffer<float>>("Features").Take(10).Select(v => v.DenseValues().ToArray()).ToArray();
float[][] rebuilt = scored.GetColumn<VBuffer<float>>("Reconstruction").Take(10).Select(v => v.DenseValues().ToArray()).ToArray();
string picture = Path.Combine(OutputFolder.For("ImagePipeline"), "reconstructions.png");
Pictures.WriteGrid(picture, "Loaded, resized and extracted by ML.NET (top); reconstructed (bottom)", [pixels, rebuilt], side);
Console.WriteLine($"Wrote {picture}.");

/// <summary>An image file and its class; Label is 1 for an anomaly.</summary>
internal sealed class ImageFile
{
    /// <summary>The file name, relative to the images folder.</summary>
    public string Path { get; set; } = "";

    /// <summary>The Fashion-MNIST class.</summary>
    public float Class { get; set; }

    /// <summary>1 for an anomaly, 0 for the normal class.</summary>
    public float Label { get; set; }
}
