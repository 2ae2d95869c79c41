namespace Microsoft.ML.Autoencoders.Onnx;

/// <summary>
/// The ONNX messages the export writes (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto and their parts), built
/// from the field numbers and enum values of the ONNX specification (onnx/onnx.proto, IR version 8).
/// </summary>
internal static class OnnxProto
{
    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int FloatType = 1;

    /// <summary>TensorProto.DataType.INT64.</summary>
    public const int Int64Type = 7;

    /// <summary>TensorProto.DataType.BOOL.</summary>
    public const int BoolType = 9;

    /// <summary>TensorProto.DataType.DOUBLE.</summary>
    public const int DoubleType = 11;

    /// <summary>ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8, metadata_props 14.</summary>
    public static ProtoMessage Model(long irVersion, long opset, string producer, string producerVersion, string docString, ProtoMessage graph, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ProtoMessage()
            .Int64(1, irVersion)
            .String(2, producer)
            .String(3, producerVersion)
            .String(6, docString)
            .Message(7, graph)
            .Message(8, new ProtoMessage().String(1, "").Int64(2, opset)); // OperatorSetIdProto: domain 1 (the default domain), version 2
        foreach ((string key, string value) in metadata)
        {
            model.Message(14, new ProtoMessage().String(1, key).String(2, value)); // StringStringEntryProto: key 1, value 2
        }

        return model;
    }

    /// <summary>GraphProto: node 1, name 2, initializer 5, input 11, output 12.</summary>
    public static ProtoMessage Graph(string name, IEnumerable<ProtoMessage> nodes, IEnumerable<ProtoMessage> initializers, IEnumerable<ProtoMessage> inputs, IEnumerable<ProtoMessage> outputs)
    {
        var graph = new ProtoMessage();
        foreach (ProtoMessage node in nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, name);
        foreach (ProtoMessage initializer in initializers)
        {
            graph.Message(5, initializer);
        }

        foreach (ProtoMessage input in inputs)
        {
            graph.Message(11, input);
        }

        foreach (ProtoMessage output in outputs)
        {
            graph.Message(12, output);
        }

        return graph;
    }

    /// <summary>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.</summary>
    public static ProtoMessage Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, IEnumerable<ProtoMessage> attributes)
    {
        var node = new ProtoMessage();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        foreach (string output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, name).String(4, opType);
        foreach (ProtoMessage attribute in attributes)
        {
            node.Message(5, attribute);
        }

        return node;
    }

    /// <summary>An INT attribute (AttributeProto: name 1, i 3, type 20 = 2).</summary>
    public static ProtoMessage IntAttribute(string name, long value) => new ProtoMessage().String(1, name).Int64(3, value).Int64(20, 2);

    /// <summary>A FLOAT attribute (f 2, type 1).</summary>
    public static ProtoMessage FloatAttribute(string name, float value) => new ProtoMessage().String(1, name).Float(2, value).Int64(20, 1);

    /// <summary>A STRING attribute (s 4, type 3).</summary>
    public static ProtoMessage StringAttribute(string name, string value) =>
        new ProtoMessage().String(1, name).Bytes(4, System.Text.Encoding.UTF8.GetBytes(value)).Int64(20, 3);

    /// <summary>A TENSOR attribute (t 5, type 4).</summary>
    public static ProtoMessage TensorAttribute(string name, ProtoMessage tensor) => new ProtoMessage().String(1, name).Message(5, tensor).Int64(20, 4);

    /// <summary>An INTS attribute (ints 8, packed, type 7).</summary>
    public static ProtoMessage IntsAttribute(string name, params long[] values) => new ProtoMessage().String(1, name).PackedInt64(8, values).Int64(20, 7);

    /// <summary>TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian).</summary>
    public static ProtoMessage Tensor(string name, int dataType, IReadOnlyList<long> dims, byte[] rawData) =>
        new ProtoMessage().PackedInt64(1, dims).Int64(2, dataType).String(8, name).Bytes(9, rawData);

    /// <summary>
    /// ValueInfoProto (name 1, type 2) of a tensor: TypeProto.tensor_type 1 holds elem_type 1 and shape 2; each TensorShapeProto.dim 1 holds
    /// dim_value 1 (a number) or dim_param 2 (a name, for the dynamic batch dimension).
    /// </summary>
    public static ProtoMessage TensorValueInfo(string name, int elementType, IReadOnlyList<object> dims)
    {
        var shape = new ProtoMessage();
        foreach (object dim in dims)
        {
            shape.Message(1, dim is string parameter ? new ProtoMessage().String(2, parameter) : new ProtoMessage().Int64(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)));
        }

        var tensorType = new ProtoMessage().Int64(1, elementType).Message(2, shape);
        return new ProtoMessage().String(1, name).Message(2, new ProtoMessage().Message(1, tensorType));
    }
}
