// Encodes all 60,000 Fashion-MNIST training images with the same trained model: through the ML.NET transformer with a
// cursor (IDataView in, batched lookahead, getters out), and through the engine's own batched Encode over one row-major
// array. The source view holds the images as rows in memory, as LoadFromEnumerable over a list does. The two run in
// alternating rounds and each keeps its best, since other work on the machine only ever slows a run down. Prints rows/s
// of each and pipeline_ratio = pipeline / engine. A fourth path runs the same model through the ONNX route (ToOnnxTransformer:
// ML.NET's ApplyOnnxModel on ONNX Runtime, one row at a time), and onnx_route_ratio = ONNX route / pipeline.
// With the argument "impute", runs the imputation benchmark instead (ImputationBenchmark.cs); with "fewlabels", the few-labels
// classification benchmark (FewLabelsBenchmark.cs).
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;

if (args.FirstOrDefault() == "impute")
{
    return Microsoft.ML.Autoencoders.Benchmarks.MLNet.ImputationBenchmark.Run(args[1..]);
}

if (args.FirstOrDefault() == "fewlabels")
{
    return Microsoft.ML.Autoencoders.Benchmarks.MLNet.FewLabelsBenchmark.Run(args[1..]);
}

int rounds = args.Length > 0 ? int.Parse(args[0]) : 15;

FeatureMatrix images = FashionMnist.Read("train").Images;
var mlContext = new MLContext(seed: 1);
ImageRow[] rows = Enumerable.Range(0, images.RowCount).Select(i => new ImageRow { Features = images.Row(i).ToArray() }).ToArray();
IDataView data = mlContext.Data.LoadFromEnumerable(rows);
IDataView trainSubset = mlContext.Data.TakeRows(data, 5000);
AutoencoderTransformer transformer = mlContext.Autoencoders.Autoencoder(codeSize: 32, hiddenSizes: [256], epochs: 1, seed: 1).Fit(trainSubset);
AutoencoderModel model = transformer.Model;
IDataView encoded = transformer.Transform(data);
Console.WriteLine($"Model {model.Architecture}; {images.RowCount} rows; best of {rounds} alternating rounds; {Environment.ProcessorCount} cores.");

ITransformer onnxRoute = mlContext.Autoencoders.ToOnnxTransformer(transformer, Path.Combine(Path.GetTempPath(), "benchmark-onnx-route.onnx"));
IDataView onnxEncoded = onnxRoute.Transform(data);
float[] onnxCodes = new float[images.RowCount * model.CodeSize];
float[] pipelineCodes = new float[images.RowCount * model.CodeSize];
float[] engineCodes = new float[images.RowCount * model.CodeSize];

Action ReadCodes(IDataView view, float[] codes) => () =>
{
    DataViewSchema.Column column = view.Schema["Encoded"];
    using DataViewRowCursor cursor = view.GetRowCursor([column]);
    ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
    VBuffer<float> code = default;
    int row = 0;
    while (cursor.MoveNext())
    {
        getter(ref code);
        code.CopyTo(codes.AsSpan(row++ * model.CodeSize, model.CodeSize));
    }
};
Action pipelineRun = ReadCodes(encoded, pipelineCodes);
Action onnxRun = ReadCodes(onnxEncoded, onnxCodes);
Action engineRun = () => model.Encode(images.Values, engineCodes);
Action sourceRun = () =>
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
};

double pipeline = double.MaxValue, engine = double.MaxValue, source = double.MaxValue, onnx = double.MaxValue;
for (int round = 0; round <= rounds; round++)
{
    // Round 0 warms up (compiles) each path and is not counted.
    double p = Time(pipelineRun), e = Time(engineRun), s = Time(sourceRun), o = Time(onnxRun);
    if (round > 0)
    {
        (pipeline, engine, source, onnx) = (Math.Min(pipeline, p), Math.Min(engine, e), Math.Min(source, s), Math.Min(onnx, o));
    }
}

bool same = pipelineCodes.AsSpan().SequenceEqual(engineCodes);
Console.WriteLine($"pipeline (IDataView cursor): {images.RowCount / pipeline,12:N0} rows/s ({pipeline * 1000:F1} ms)");
Console.WriteLine($"engine (batched Encode):     {images.RowCount / engine,12:N0} rows/s ({engine * 1000:F1} ms)");
Console.WriteLine($"source read alone:           {images.RowCount / source,12:N0} rows/s ({source * 1000:F1} ms)");
Console.WriteLine($"ONNX route (ApplyOnnxModel):  {images.RowCount / onnx,12:N0} rows/s ({onnx * 1000:F1} ms)");
double onnxDifference = engineCodes.Zip(onnxCodes, (a, b) => Math.Abs(a - b) / Math.Max(1f, Math.Abs(a))).Max();
Console.WriteLine($"codes identical: {same}; ONNX route's codes within {onnxDifference:E1} of the engine's");
Console.WriteLine($"pipeline_ratio={engine / pipeline:F3}");
Console.WriteLine($"onnx_route_ratio={pipeline / onnx:F3}");
return same && onnxDifference <= 1e-5 ? 0 : 1;

static double Time(Action run)
{
    var clock = Stopwatch.StartNew();
    run();
    return clock.Elapsed.TotalSeconds;
}
