// OnnxExport: turns a saved autoencoder into an ONNX file, and optionally a saved pipeline into a zip that ML.NET's own mlContext.Model.Load reads.
//
//   OnnxExport MODEL OUT.onnx [--threshold T] [--mlnet OUT.zip]
//
// MODEL is a pipeline zip written by mlContext.Autoencoders.SaveModel (the autoencoder in it is exported under its column names and threshold),
// or an engine model file written by AutoencoderModel.Save (exported under the default names; the predicted label only with --threshold).
// --mlnet also writes the whole pipeline, its autoencoder replaced by ML.NET's ONNX transformer over OUT.onnx, with mlContext.Model.Save.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;

if (args.Length < 2 || args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: OnnxExport MODEL OUT.onnx [--threshold T] [--mlnet OUT.zip]");
    Console.Error.WriteLine("  MODEL: a pipeline zip (mlContext.Autoencoders.SaveModel) or an engine model file (AutoencoderModel.Save)");
    return 2;
}

string source = args[0], onnxPath = args[1];
float? threshold = null;
string? mlnetPath = null;
for (int i = 2; i < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--threshold":
            threshold = float.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--mlnet":
            mlnetPath = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}; expected --threshold or --mlnet");
            return 2;
    }
}

var mlContext = new MLContext(seed: 1);
if (IsEngineModel(source))
{
    if (mlnetPath != null)
    {
        Console.Error.WriteLine("--mlnet needs a pipeline zip written by mlContext.Autoencoders.SaveModel; an engine model file has no ML.NET pipeline.");
        return 2;
    }

    AutoencoderModel model = AutoencoderModel.Load(source);
    var options = new OnnxExportOptions { Threshold = threshold, PredictedLabelName = threshold == null ? null : "PredictedLabel" };
    model.ExportOnnx(onnxPath, options);
    Report(onnxPath, model, options);
    return 0;
}

ITransformer pipeline = mlContext.Autoencoders.LoadModel(source, out DataViewSchema inputSchema);
AutoencoderTransformer[] autoencoders = Autoencoders(pipeline).ToArray();
if (autoencoders.Length != 1)
{
    Console.Error.WriteLine($"{source} holds {autoencoders.Length} autoencoders; OnnxExport exports a pipeline with exactly one.");
    return 1;
}

AutoencoderTransformer autoencoder = threshold is float t ? autoencoders[0].WithThreshold(t) : autoencoders[0];
if (mlnetPath == null)
{
    autoencoder.ExportOnnx(onnxPath);
    Report(onnxPath, autoencoder.Model, autoencoder.OnnxExportOptions);
    return 0;
}

if (threshold != null)
{
    Console.Error.WriteLine("--threshold applies to a bare export; with --mlnet the pipeline keeps its autoencoder's threshold.");
    return 2;
}

ITransformer converted = mlContext.Autoencoders.ToOnnxTransformer(pipeline, onnxPath);
mlContext.Model.Save(converted, inputSchema, mlnetPath);
Report(onnxPath, autoencoder.Model, autoencoder.OnnxExportOptions with { SingleRow = true });
Console.WriteLine($"wrote {mlnetPath} ({new FileInfo(mlnetPath).Length:N0} bytes): the pipeline for mlContext.Model.Load, the ONNX model inside;");
Console.WriteLine($"  before loading it, call mlContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScalarsMapping).Assembly)");
return 0;

static bool IsEngineModel(string path)
{
    using FileStream stream = File.OpenRead(path);
    Span<byte> magic = stackalloc byte[4];
    return stream.Read(magic) == 4 && magic.SequenceEqual("MLAE"u8);
}

static IEnumerable<AutoencoderTransformer> Autoencoders(ITransformer model) => model switch
{
    AutoencoderTransformer autoencoder => [autoencoder],
    IEnumerable<ITransformer> chain => chain.SelectMany(Autoencoders),
    _ => [],
};

static void Report(string path, AutoencoderModel model, OnnxExportOptions options)
{
    Console.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes): ONNX IR 8, opset 17, {model.Architecture}");
    Console.WriteLine($"  input  {options.InputName}: float [{(options.SingleRow ? "" : "batch, ")}{model.InputSize}]");
    Console.WriteLine($"  outputs {string.Join(", ", options.OutputNames)}" + (options.Threshold is float t ? $"; threshold {t.ToString("R", CultureInfo.InvariantCulture)}" : ""));
}
