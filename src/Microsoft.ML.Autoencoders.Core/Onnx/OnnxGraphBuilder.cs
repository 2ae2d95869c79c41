namespace Microsoft.ML.Autoencoders.Onnx;

/// <summary>
/// Collects an ONNX graph: nodes in topological order (each output gets a fresh name), constant tensors as initializers, and the graph's
/// inputs and outputs with their shapes. <see cref="Batch"/> names the dynamic first dimension.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The name of the dynamic batch dimension of every input and output.</summary>
    public const string Batch = "batch";

    private readonly List<ProtoMessage> _nodes = [];
    private readonly List<ProtoMessage> _initializers = [];
    private readonly List<ProtoMessage> _inputs = [];
    private readonly List<ProtoMessage> _outputs = [];
    private int _next;

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Add(string opType, string[] inputs, params ProtoMessage[] attributes) => AddMany(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public string[] AddMany(string opType, string[] inputs, int outputCount, params ProtoMessage[] attributes)
    {
        string name = $"{opType}_{_next++}";
        string[] outputs = Enumerable.Range(0, outputCount).Select(i => outputCount == 1 ? name : $"{name}_{i}").ToArray();
        _nodes.Add(OnnxProto.Node(opType, name, inputs, outputs, attributes));
        return outputs;
    }

    /// <summary>A float tensor initializer of shape <paramref name="dims"/>.</summary>
    public string Floats(ReadOnlySpan<float> values, params long[] dims) => Initializer(OnnxProto.FloatType, dims, ProtoMessage.LittleEndian(values));

    /// <summary>A float scalar.</summary>
    public string Float(float value) => Initializer(OnnxProto.FloatType, [], ProtoMessage.LittleEndian<float>([value]));

    /// <summary>A double scalar.</summary>
    public string Double(double value) => Initializer(OnnxProto.DoubleType, [], ProtoMessage.LittleEndian<double>([value]));

    /// <summary>A one-dimensional int64 tensor, as shapes, axes and slice bounds are given.</summary>
    public string Int64s(params long[] values) => Initializer(OnnxProto.Int64Type, [values.Length], ProtoMessage.LittleEndian<long>(values));

    /// <summary>A float tensor holding <paramref name="value"/>, for attributes such as ConstantOfShape's value.</summary>
    public static ProtoMessage FloatTensor(float value) => OnnxProto.Tensor("value", OnnxProto.FloatType, [1], ProtoMessage.LittleEndian<float>([value]));

    /// <summary>Declares a graph input.</summary>
    public void Input(string name, int elementType, params object[] dims) => _inputs.Add(OnnxProto.TensorValueInfo(name, elementType, dims));

    /// <summary>Declares a graph output named <paramref name="name"/> holding the value <paramref name="value"/> (through an Identity node).</summary>
    public void Output(string name, string value, int elementType, params object[] dims)
    {
        _nodes.Add(OnnxProto.Node("Identity", $"Identity_{_next++}", [value], [name], []));
        _outputs.Add(OnnxProto.TensorValueInfo(name, elementType, dims));
    }

    /// <summary>The GraphProto.</summary>
    public ProtoMessage ToGraph(string name) => OnnxProto.Graph(name, _nodes, _initializers, _inputs, _outputs);

    private string Initializer(int dataType, long[] dims, byte[] raw)
    {
        string name = $"c{_next++}";
        _initializers.Add(OnnxProto.Tensor(name, dataType, dims, raw));
        return name;
    }
}
