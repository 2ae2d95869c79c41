using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders.Models;

/// <summary>
/// What a model scoring by its code neighbours remembers of the normal rows: their codes, and for each part of the score (the mean squared
/// error, the scaled mean squared error when the model has error scales, and the mean distance of the code to its nearest normal codes) that
/// part's values over the normal rows, sorted, so that a new row's part becomes a surprise: -ln of the share of normal rows at or above it.
/// Immutable once built.
/// </summary>
internal sealed class CodeNeighbours
{
    /// <summary>The most neighbours a score may average over.</summary>
    public const int MaxNeighbourCount = 256;

    /// <summary>
    /// The most normal rows remembered: a seeded uniform sample of them when there are more. Scoring a row costs one dot product per remembered
    /// row, so this bounds both the model's size (MaxReferenceRows times the code size floats) and the scoring time, whatever the training set.
    /// </summary>
    public const int MaxReferenceRows = 10_000;

    /// <summary>Remembered rows per packed tile: a band's dot products with one tile stay in cache (128 x 2,048 floats, 1 MB).</summary>
    private const int TileRows = 2048;

    private readonly float[] _codes;
    private readonly float[] _codeNorms;
    private readonly PackedMatrix[] _tiles;

    /// <param name="neighbourCount">How many nearest normal codes a row's distance averages over.</param>
    /// <param name="codeSize">Values per code.</param>
    /// <param name="codes">The normal rows' codes, row-major.</param>
    /// <param name="errors">The normal rows' mean squared errors, sorted ascending.</param>
    /// <param name="scaledErrors">The normal rows' scaled mean squared errors, sorted ascending; null for a model without error scales.</param>
    /// <param name="distances">Each normal row's mean distance to its nearest other normal codes, sorted ascending.</param>
    /// <param name="normalScores">Each normal row's score with itself left out of its neighbours, sorted ascending.</param>
    public CodeNeighbours(int neighbourCount, int codeSize, float[] codes, float[] errors, float[]? scaledErrors, float[] distances, float[] normalScores)
    {
        NeighbourCount = neighbourCount;
        CodeSize = codeSize;
        _codes = codes;
        Errors = errors;
        ScaledErrors = scaledErrors;
        Distances = distances;
        NormalScores = normalScores;
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

    /// <summary>How many nearest normal codes a row's distance averages over.</summary>
    public int NeighbourCount { get; }

    /// <summary>Values per code.</summary>
    public int CodeSize { get; }

    /// <summary>How many normal rows are remembered.</summary>
    public int RowCount => _codeNorms.Length;

    /// <summary>The normal rows' codes, row-major.</summary>
    public ReadOnlySpan<float> Codes => _codes;

    /// <summary>The normal rows' mean squared errors, sorted ascending.</summary>
    public float[] Errors { get; }

    /// <summary>The normal rows' scaled mean squared errors, sorted ascending; null for a model without error scales.</summary>
    public float[]? ScaledErrors { get; }

    /// <summary>Each normal row's mean distance to its <see cref="NeighbourCount"/> nearest other normal codes, sorted ascending.</summary>
    public float[] Distances { get; }

    /// <summary>Each normal row's score with itself left out of its neighbours, sorted ascending: what new normal rows score.</summary>
    public float[] NormalScores { get; }

    /// <summary>
    /// Writes into <paramref name="distances"/> the mean Euclidean distance from each of the <paramref name="rows"/> codes in
    /// <paramref name="codes"/> to its <see cref="NeighbourCount"/> nearest remembered codes. When <paramref name="firstSkipRow"/> is 0 or more,
    /// the codes are remembered rows themselves, from that one on, and each leaves itself out. The dot products come from the GEMM against
    /// the remembered codes, packed once in tiles of <see cref="TileRows"/>; the buffers are rented, so a warm call allocates nothing.
    /// </summary>
    public void MeanNeighbourDistances(ReadOnlySpan<float> codes, int rows, Span<float> distances, int firstSkipRow = -1)
    {
        int k = NeighbourCount;
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

    /// <summary>
    /// How surprising <paramref name="value"/> is among the sorted normal values <paramref name="sorted"/>: -ln(1 - F + 1 / (2n)), where F is the
    /// share of the n normal values below it. A typical normal value gives about 1 on average, one above every normal value ln(2n).
    /// </summary>
    public static float Surprise(ReadOnlySpan<float> sorted, float value)
    {
        int below = 0, end = sorted.Length;
        while (below < end)
        {
            int middle = (below + end) >>> 1;
            if (sorted[middle] < value)
            {
                below = middle + 1;
            }
            else
            {
                end = middle;
            }
        }

        double n = sorted.Length;
        return (float)-Math.Log(1 - below / n + 0.5 / n);
    }
}
