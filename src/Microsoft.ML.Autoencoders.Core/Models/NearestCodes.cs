using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders.Models;

/// <summary>
/// Remembered codes and the search for a code's nearest among them: their squared norms, and the codes packed once for the GEMM, in tiles of
/// <see cref="TileRows"/>. Immutable once built.
/// </summary>
internal sealed class NearestCodes
{
    /// <summary>Remembered rows per packed tile: a band's dot products with one tile stay in cache (128 x 2,048 floats, 1 MB).</summary>
    private const int TileRows = 2048;

    /// <summary>Remembered rows per task when they search among each other (<see cref="LeaveOneOutDistances"/>): the scoring band's size.</summary>
    private const int BandRows = 128;

    private readonly float[] _codes;
    private readonly float[] _codeNorms;
    private readonly PackedMatrix[] _tiles;

    /// <param name="codes">The codes to remember, row-major.</param>
    /// <param name="codeSize">Values per code.</param>
    public NearestCodes(float[] codes, int codeSize)
    {
        CodeSize = codeSize;
        _codes = codes;
        int rows = codes.Length / codeSize;
        _codeNorms = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> code = codes.AsSpan(r * codeSize, codeSize);
            _codeNorms[r] = TensorPrimitives.Dot(code, code);
        }

        _tiles = new PackedMatrix[(rows + TileRows - 1) / TileRows];
        for (int t = 0; t < _tiles.Length; t++)
        {
            int count = Math.Min(TileRows, rows - t * TileRows);
            _tiles[t] = new PackedMatrix(codes.AsSpan(t * TileRows * codeSize, count * codeSize), codeSize, count, transposed: true);
        }
    }

    /// <summary>Values per code.</summary>
    public int CodeSize { get; }

    /// <summary>How many codes are remembered.</summary>
    public int RowCount => _codeNorms.Length;

    /// <summary>The remembered codes, row-major.</summary>
    public ReadOnlySpan<float> Codes => _codes;

    /// <summary>Each remembered code's mean distance to its <paramref name="neighbourCount"/> nearest other remembered codes, in row order.</summary>
    public float[] LeaveOneOutDistances(int neighbourCount)
    {
        var distances = new float[RowCount];
        WorkerPool.Run((RowCount + BandRows - 1) / BandRows, new LeaveOneOutPass(this, neighbourCount, distances));
        return distances;
    }

    /// <summary>
    /// Writes into <paramref name="distances"/> the mean Euclidean distance from each of the <paramref name="rows"/> codes in
    /// <paramref name="codes"/> to its <paramref name="neighbourCount"/> nearest remembered codes. When <paramref name="firstSkipRow"/> is 0 or more,
    /// the codes are remembered rows themselves, from that one on, and each leaves itself out. The dot products come from the GEMM against
    /// the remembered codes, packed once in tiles of <see cref="TileRows"/>; the buffers are rented, so a warm call allocates nothing.
    /// </summary>
    public void MeanDistances(ReadOnlySpan<float> codes, int rows, int neighbourCount, Span<float> distances, int firstSkipRow = -1)
    {
        int k = neighbourCount;
        float[] dots = ArrayPool<float>.Shared.Rent(rows * Math.Min(TileRows, RowCount));
        float[] nearest = ArrayPool<float>.Shared.Rent(rows * k);
        try
        {
            nearest.AsSpan(0, rows * k).Fill(float.PositiveInfinity);
            int start = 0;
            foreach (PackedMatrix tile in _tiles)
            {
                int count = tile.N;
                Span<float> tileDots = dots.AsSpan(0, rows * count);
                Gemm.Multiply(rows, codes[..(rows * CodeSize)], false, tile, tileDots);
                for (int i = 0; i < rows; i++)
                {
                    // |q - r|^2 = |q|^2 + (|r|^2 - 2 q.r): |q|^2 is the same for every r, so the nearest are found without it.
                    Span<float> partial = tileDots.Slice(i * count, count);
                    TensorPrimitives.MultiplyAdd(partial, -2f, _codeNorms.AsSpan(start, count), partial);
                    int skip = firstSkipRow + i - start;
                    if (firstSkipRow >= 0 && (uint)skip < (uint)count)
                    {
                        partial[skip] = float.PositiveInfinity;
                    }

                    KeepSmallest(partial, nearest.AsSpan(i * k, k));
                }

                start += count;
            }

            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<float> code = codes.Slice(i * CodeSize, CodeSize);
                float norm = TensorPrimitives.Dot(code, code);
                float sum = 0;
                foreach (float partial in nearest.AsSpan(i * k, k))
                {
                    sum += MathF.Sqrt(MathF.Max(norm + partial, 0));
                }

                distances[i] = sum / k;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dots);
            ArrayPool<float>.Shared.Return(nearest);
        }
    }

    /// <summary>
    /// Merges <paramref name="values"/> into <paramref name="smallest"/>, which holds the smallest seen so far in ascending order. Once it is
    /// full, few values beat its largest: whole vectors of values are skipped with one comparison, and only a vector holding a smaller
    /// value is merged one value at a time.
    /// </summary>
    private static void KeepSmallest(ReadOnlySpan<float> values, Span<float> smallest)
    {
        int width = Vector<float>.Count, j = 0;
        for (; j + width <= values.Length; j += width)
        {
            if (Vector.LessThanAny(new Vector<float>(values.Slice(j, width)), new Vector<float>(smallest[^1])))
            {
                Merge(values.Slice(j, width), smallest);
            }
        }

        Merge(values[j..], smallest);
    }

    /// <summary>Inserts each of <paramref name="values"/> smaller than the largest of <paramref name="smallest"/> in its place.</summary>
    private static void Merge(ReadOnlySpan<float> values, Span<float> smallest)
    {
        int last = smallest.Length - 1;
        foreach (float value in values)
        {
            if (value < smallest[last])
            {
                int i = last;
                while (i > 0 && smallest[i - 1] > value)
                {
                    smallest[i] = smallest[i - 1];
                    i--;
                }

                smallest[i] = value;
            }
        }
    }

    /// <summary>One band of remembered rows' leave-one-out distances per task.</summary>
    private sealed class LeaveOneOutPass(NearestCodes search, int neighbourCount, float[] distances) : IParallelWork
    {
        public void Execute(int index)
        {
            int start = index * BandRows;
            int count = Math.Min(BandRows, distances.Length - start);
            search.MeanDistances(search.Codes.Slice(start * search.CodeSize, count * search.CodeSize), count, neighbourCount, distances.AsSpan(start, count), firstSkipRow: start);
        }
    }
}
