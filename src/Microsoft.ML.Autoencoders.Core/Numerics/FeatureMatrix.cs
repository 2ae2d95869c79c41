namespace Microsoft.ML.Autoencoders;

/// <summary>A dense, row-major matrix of float features: one row per example. The engine's unit of data.</summary>
public sealed class FeatureMatrix
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied) as rows of <paramref name="columnCount"/> features.</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="values"/> is not a multiple of <paramref name="columnCount"/>.</exception>
    public FeatureMatrix(float[] values, int columnCount)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columnCount);
        if (values.Length % columnCount != 0)
        {
            throw new ArgumentException(
                $"The {values.Length} values do not split into rows of {columnCount} features; expected a multiple of {columnCount}.",
                nameof(values));
        }

        _values = values;
        ColumnCount = columnCount;
        RowCount = values.Length / columnCount;
    }

    /// <summary>The number of rows (examples).</summary>
    public int RowCount { get; }

    /// <summary>The number of features per row.</summary>
    public int ColumnCount { get; }

    /// <summary>All values, row after row.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>
    /// All values, row after row, as memory: always the whole array the matrix was made from, which
    /// <see cref="System.Runtime.InteropServices.MemoryMarshal.TryGetArray{T}(ReadOnlyMemory{T}, out ArraySegment{T})"/> returns, so a training
    /// backend can hand the rows to native code without a copy. Nothing may write through it.
    /// </summary>
    /// <returns>The matrix's values.</returns>
    public ReadOnlyMemory<float> AsMemory() => _values;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(row * ColumnCount, ColumnCount);

    /// <summary>Each column's smallest and largest value: the extremes a salt-and-pepper corruption writes, on every backend.</summary>
    /// <exception cref="InvalidOperationException">The matrix has no rows.</exception>
    public (float[] Minimum, float[] Maximum) ColumnRange()
    {
        if (RowCount == 0)
        {
            throw new InvalidOperationException("The matrix has no rows, so its columns have no range.");
        }

        float[] minimum = Row(0).ToArray();
        float[] maximum = Row(0).ToArray();
        for (int r = 1; r < RowCount; r++)
        {
            System.Numerics.Tensors.TensorPrimitives.Min(minimum, Row(r), minimum);
            System.Numerics.Tensors.TensorPrimitives.Max(maximum, Row(r), maximum);
        }

        return (minimum, maximum);
    }

    /// <summary>The first (row, column) holding NaN or an infinity, or null when every value is finite.</summary>
    public (int Row, int Column)? FindNonFinite()
    {
        int index = NonFiniteIndex(_values);
        return index < 0 ? null : (index / ColumnCount, index % ColumnCount);
    }

    /// <summary>
    /// The largest magnitude training accepts, 1e18: the squared error of a value much larger (1e30 squares to 1e60)
    /// overflows single precision, so such data must be rescaled first.
    /// </summary>
    public const float MaxMagnitude = 1e18f;

    /// <summary>The first (row, column) holding NaN, an infinity or a magnitude above <see cref="MaxMagnitude"/>, or null when there is none.</summary>
    public (int Row, int Column)? FindUnusable()
    {
        int index = UnusableIndex(_values);
        return index < 0 ? null : (index / ColumnCount, index % ColumnCount);
    }

    /// <summary>The first infinity or magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, NaN (a missing value) allowed.</summary>
    internal (int Row, int Column)? FindUnusableExceptMissing()
    {
        ReadOnlySpan<float> values = _values;
        int start = 0;
        while (start < values.Length)
        {
            int index = UnusableIndex(values[start..]);
            if (index < 0)
            {
                return null;
            }

            index += start;
            if (!float.IsNaN(values[index]))
            {
                return (index / ColumnCount, index % ColumnCount);
            }

            start = index + 1;
        }

        return null;
    }

    /// <summary>The index of the first NaN, infinity or magnitude above <see cref="MaxMagnitude"/> in <paramref name="values"/>, or -1.</summary>
    internal static int UnusableIndex(ReadOnlySpan<float> values)
    {
        // NaN fails every comparison, so |x| <= limit is false for NaN, both infinities and huge values.
        var limit = new System.Numerics.Vector<float>(MaxMagnitude);
        int i = 0;
        for (; i <= values.Length - System.Numerics.Vector<float>.Count; i += System.Numerics.Vector<float>.Count)
        {
            if (!System.Numerics.Vector.LessThanOrEqualAll(System.Numerics.Vector.Abs(new System.Numerics.Vector<float>(values[i..])), limit))
            {
                break;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!(MathF.Abs(values[i]) <= MaxMagnitude))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
    internal static int NonFiniteIndex(ReadOnlySpan<float> values)
    {
        // x - x is 0 for every finite x and NaN for NaN and both infinities.
        int i = 0;
        for (; i <= values.Length - System.Numerics.Vector<float>.Count; i += System.Numerics.Vector<float>.Count)
        {
            var v = new System.Numerics.Vector<float>(values[i..]);
            if (!System.Numerics.Vector.EqualsAll(v - v, System.Numerics.Vector<float>.Zero))
            {
                break;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
