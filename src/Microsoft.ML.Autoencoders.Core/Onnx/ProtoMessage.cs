using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Microsoft.ML.Autoencoders.Onnx;

/// <summary>
/// One protocol buffers message being written, field by field, on Google.Protobuf's wire format: the few field kinds the ONNX messages need
/// (varint integers, fixed32 floats, strings, bytes, packed int64s and nested messages). Fields are written in the order they are added.
/// </summary>
internal sealed class ProtoMessage
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    /// <summary>An int64, int32 or enum field (varint).</summary>
    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    /// <summary>A float field (fixed32).</summary>
    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    /// <summary>A string field (UTF-8).</summary>
    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    /// <summary>A bytes field.</summary>
    public ProtoMessage Bytes(int field, ReadOnlyMemory<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
        return this;
    }

    /// <summary>A repeated int64 field, packed.</summary>
    public ProtoMessage PackedInt64(int field, IReadOnlyList<long> values)
    {
        var packed = new ProtoMessage();
        foreach (long value in values)
        {
            packed._output.WriteInt64(value);
        }

        return Bytes(field, packed.ToMemory());
    }

    /// <summary>A nested message field.</summary>
    public ProtoMessage Message(int field, ProtoMessage message) => Bytes(field, message.ToMemory());

    /// <summary>The message's bytes so far.</summary>
    public ReadOnlyMemory<byte> ToMemory()
    {
        _output.Flush();
        return _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);
    }

    /// <summary>The little-endian bytes of <paramref name="values"/>, as ONNX's raw tensor data holds them.</summary>
    public static byte[] LittleEndian<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export writes tensors as little-endian raw data and runs on little-endian machines only.");
        }

        return MemoryMarshal.AsBytes(values).ToArray();
    }
}
