namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>
/// The right-hand operand of <see cref="Gemm"/> packed once, in the layout its kernel reads, so that every later
/// multiply by it skips packing: a trained model's weights, used for every batch it scores.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    /// <summary>Packs op(B), k x n (B is n x k when <paramref name="transposed"/>), for the kernel <see cref="Gemm"/> uses now.</summary>
    public PackedMatrix(ReadOnlySpan<float> b, int k, int n, bool transposed)
    {
        K = k;
        N = n;
        Shape = GemmKernelShape.Of(Gemm.Kernel);
        Stride = (n + Shape.NR - 1) / Shape.NR * Shape.NR;
        Values = GC.AllocateArray<float>(k * Stride + 16, pinned: true);
        fixed (float* source = b, target = Values)
        {
            Gemm.PackWhole(source, transposed, k, n, Shape, Gemm.Align64(target), Stride);
        }
    }

    /// <summary>Rows of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>Columns rounded up to whole kernel panels.</summary>
    public int Stride { get; }

    /// <summary>The kernel the packing is laid out for.</summary>
    public GemmKernelShape Shape { get; }

    /// <summary>The packed values (pinned; they start at the first 64-byte boundary).</summary>
    public float[] Values { get; }
}
