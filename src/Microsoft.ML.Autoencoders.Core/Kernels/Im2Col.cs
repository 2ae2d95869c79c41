using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Layers;

namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>
/// Lays the patches of channels-last maps out as the rows of a matrix (im2col), so a convolution of a whole batch is one GEMM, and
/// the reverse scatter-add (col2im) for gradients and transposed convolutions. Each patch row is (kernel row, kernel column, channel).
/// </summary>
internal static class Im2Col
{
    /// <summary>columns[(map, y, x), patch] = input[map, y * stride - padding + ky, x * stride - padding + kx, channel], zero outside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather(in ConvolutionGeometry g, ReadOnlySpan<float> input, int maps, Span<float> columns)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, c = g.InputChannels, k = g.Kernel, patch = g.PatchSize;
        for (int m = 0; m < maps; m++)
        {
            ReadOnlySpan<float> map = input.Slice(m * g.InputSize, g.InputSize);
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    Span<float> row = columns.Slice(((m * oh + oy) * ow + ox) * patch, patch);
                    for (int ky = 0; ky < k; ky++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        Span<float> kernelRow = row.Slice(ky * k * c, k * c);
                        if ((uint)iy >= (uint)g.InputHeight)
                        {
                            kernelRow.Clear();
                            continue;
                        }

                        int ix0 = ox * g.Stride - g.Padding;
                        if (ix0 >= 0 && ix0 + k <= g.InputWidth)
                        {
                            map.Slice((iy * g.InputWidth + ix0) * c, k * c).CopyTo(kernelRow);
                            continue;
                        }

                        for (int kx = 0; kx < k; kx++)
                        {
                            int ix = ix0 + kx;
                            Span<float> cell = kernelRow.Slice(kx * c, c);
                            if ((uint)ix >= (uint)g.InputWidth)
                            {
                                cell.Clear();
                            }
                            else
                            {
                                map.Slice((iy * g.InputWidth + ix) * c, c).CopyTo(cell);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Gather"/>: output[map, position of each patch value] += columns[...]. Does not clear <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScatterAdd(in ConvolutionGeometry g, ReadOnlySpan<float> columns, int maps, Span<float> output)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, c = g.InputChannels, k = g.Kernel, patch = g.PatchSize;
        for (int m = 0; m < maps; m++)
        {
            Span<float> map = output.Slice(m * g.InputSize, g.InputSize);
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    ReadOnlySpan<float> row = columns.Slice(((m * oh + oy) * ow + ox) * patch, patch);
                    for (int ky = 0; ky < k; ky++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        if ((uint)iy >= (uint)g.InputHeight)
                        {
                            continue;
                        }

                        int ix0 = ox * g.Stride - g.Padding;
                        if (ix0 >= 0 && ix0 + k <= g.InputWidth)
                        {
                            Span<float> target = map.Slice((iy * g.InputWidth + ix0) * c, k * c);
                            TensorPrimitives.Add(target, row.Slice(ky * k * c, k * c), target);
                            continue;
                        }

                        for (int kx = 0; kx < k; kx++)
                        {
                            int ix = ix0 + kx;
                            if ((uint)ix < (uint)g.InputWidth)
                            {
                                Span<float> target = map.Slice((iy * g.InputWidth + ix) * c, c);
                                TensorPrimitives.Add(target, row.Slice((ky * k + kx) * c, c), target);
                            }
                        }
                    }
                }
            }
        }
    }
}
