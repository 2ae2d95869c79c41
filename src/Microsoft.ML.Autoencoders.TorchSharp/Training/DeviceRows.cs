using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>Moves rows to a session's device, and row indices for gathering batches there, through reused index buffers.</summary>
internal sealed class DeviceRows(Device device)
{
    private readonly Dictionary<int, long[]> _indexBuffers = [];

    /// <summary>The device the rows go to.</summary>
    public Device Device { get; } = device;

    /// <summary>The rows on the device: on the CPU, the matrix's own memory; CUDA copies go through pinned memory. The caller disposes of the tensor.</summary>
    public Tensor Upload(FeatureMatrix rows)
    {
        using DisposeScope scope = NewDisposeScope();
        MemoryMarshal.TryGetArray(rows.AsMemory(), out ArraySegment<float> values); // always the matrix's whole array
        Tensor host = tensor(values.Array!, [rows.RowCount, rows.ColumnCount]);
        Tensor onDevice = Device.type == DeviceType.CUDA ? host.pin_memory().to(Device) : host;
        return onDevice.MoveToOuterDisposeScope();
    }

    /// <summary>Row indices as an int64 tensor on the device, through a reused buffer per length.</summary>
    public Tensor Indices(ReadOnlySpan<int> rows)
    {
        if (!_indexBuffers.TryGetValue(rows.Length, out long[]? buffer))
        {
            buffer = new long[rows.Length];
            _indexBuffers[rows.Length] = buffer;
        }

        for (int i = 0; i < rows.Length; i++)
        {
            buffer[i] = rows[i];
        }

        return tensor(buffer).to(Device);
    }
}
