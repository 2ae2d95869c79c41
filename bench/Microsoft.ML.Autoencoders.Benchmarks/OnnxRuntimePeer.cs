using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// ONNX Runtime as the inference peer: the engine's trained model exported to ONNX (code and reconstruction, ONNX's own Sigmoid operator, which
/// ONNX Runtime runs fastest), run on the CPU provider with 2 intra-op threads and every graph optimization, over the images in batches into
/// outputs allocated once. The input batches wrap the images in place, as the engine reads them.
/// </summary>
internal sealed class OnnxRuntimePeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly List<OrtValue> _values = [];
    private readonly (OrtValue Input, OrtValue Code, OrtValue Reconstruction)[] _batches;

    /// <summary>Exports <paramref name="model"/> and prepares one input per batch of <paramref name="data"/> and the outputs.</summary>
    public OnnxRuntimePeer(AutoencoderModel model, FeatureMatrix data, int batch)
    {
        var stream = new MemoryStream();
        model.ExportOnnx(stream, new OnnxExportOptions { ScoreName = null, PredictedLabelName = null, FeatureErrorsName = null, ApproximateSigmoid = true });
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 2,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(stream.ToArray(), options);

        int n = data.ColumnCount;
        float[] images = data.Values.ToArray();
        int full = Math.Min(batch, data.RowCount), tail = data.RowCount % batch;
        (OrtValue, OrtValue) Outputs(int rows) => (
            Keep(OrtValue.CreateTensorValueFromMemory(new float[rows * model.CodeSize], [rows, model.CodeSize])),
            Keep(OrtValue.CreateTensorValueFromMemory(new float[rows * n], [rows, n])));
        (OrtValue code, OrtValue reconstruction) fullOutputs = Outputs(full);
        (OrtValue code, OrtValue reconstruction) tailOutputs = tail > 0 ? Outputs(tail) : fullOutputs;
        _batches = Enumerable.Range(0, (data.RowCount + batch - 1) / batch).Select(b =>
        {
            int rows = Math.Min(batch, data.RowCount - b * batch);
            OrtValue input = Keep(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, images.AsMemory(b * batch * n, rows * n), [rows, n]));
            (OrtValue code, OrtValue reconstruction) = rows == full ? fullOutputs : tailOutputs;
            return (input, code, reconstruction);
        }).ToArray();
    }

    /// <summary>One pass over every batch.</summary>
    public void ForwardAll()
    {
        string[] inputNames = ["Features"], outputNames = ["Encoded", "Reconstruction"];
        foreach ((OrtValue input, OrtValue code, OrtValue reconstruction) in _batches)
        {
            _session.Run(_run, inputNames, [input], outputNames, [code, reconstruction]);
        }
    }

    public void Dispose()
    {
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }

        _run.Dispose();
        _session.Dispose();
    }

    private OrtValue Keep(OrtValue value)
    {
        _values.Add(value);
        return value;
    }
}
