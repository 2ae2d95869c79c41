// Encodes all 60,000 Fashion-MNIST training images twice with the same trained model: through the ML.NET
// transformer with a cursor (IDataView in, batched lookahead, getters out), and through the engine's own
// batched Encode over one row-major array. Prints rows/s of each and pipeline_ratio = pipeline / engine.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Data;

const string dataDirectory = "/usr/share/datasets/fashion-mnist";
int repetitions = args.Length > 0 ? int.Parse(args[0]) : 5;

FeatureMatrix images = IdxFile.ReadImages(Path.Combine(dataDirectory, "train-images-idx3-ubyte.gz"));
var mlContext = new MLContext(seed: 1);
IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, images.RowCount).Select(i => new ImageRow { Features = images.Row(i).ToArray() }));
IDataView trainSubset = mlContext.Data.TakeRows(data, 5000);
AutoencoderTransformer transformer = mlContext.Autoencoders.Autoencoder(codeSize: 32, hiddenSizes: [256], epochs: 1, seed: 1).Fit(trainSubset);
AutoencoderModel model = transformer.Model;
IDataView encoded = transformer.Transform(data);
DataViewSchema.Column encodedColumn = encoded.Schema["Encoded"];
Console.WriteLine($"Model {model.Architecture}; {images.RowCount} rows; best of {repetitions} runs each; {Environment.ProcessorCount} cores.");

float[] pipelineCodes = new float[images.RowCount * model.CodeSize];
float[] engineCodes = new float[images.RowCount * model.CodeSize];

double pipeline = Best(() =>
{
    using DataViewRowCursor cursor = encoded.GetRowCursor([encodedColumn]);
    ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(encodedColumn);
    VBuffer<float> code = default;
    int row = 0;
    while (cursor.MoveNext())
    {
        getter(ref code);
        code.CopyTo(pipelineCodes.AsSpan(row++ * model.CodeSize, model.CodeSize));
    }
});
double engine = Best(() => model.Encode(images.Values, engineCodes));
double source = Best(() =>
{
    // What the pipeline cannot avoid: reading the features out of the source IDataView.
    DataViewSchema.Column features = data.Schema["Features"];
    using DataViewRowCursor cursor = data.GetRowCursor([features]);
    ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(features);
    VBuffer<float> row = default;
    while (cursor.MoveNext())
    {
        getter(ref row);
    }
});

bool same = pipelineCodes.AsSpan().SequenceEqual(engineCodes);
Console.WriteLine($"pipeline (IDataView cursor): {images.RowCount / pipeline,12:N0} rows/s ({pipeline * 1000:F1} ms)");
Console.WriteLine($"engine (batched Encode):     {images.RowCount / engine,12:N0} rows/s ({engine * 1000:F1} ms)");
Console.WriteLine($"source read alone:           {images.RowCount / source,12:N0} rows/s ({source * 1000:F1} ms)");
Console.WriteLine($"codes identical: {same}");
Console.WriteLine($"pipeline_ratio={engine / pipeline:F3}");
return same ? 0 : 1;

double Best(Action run)
{
    run(); // warm up
    double best = double.MaxValue;
    for (int i = 0; i < repetitions; i++)
    {
        var clock = Stopwatch.StartNew();
        run();
        best = Math.Min(best, clock.Elapsed.TotalSeconds);
    }

    return best;
}

/// <summary>One image as an ML.NET row.</summary>
internal sealed class ImageRow
{
    /// <summary>The pixels, scaled to [0, 1].</summary>
    [VectorType(784)]
    public float[] Features = [];
}
