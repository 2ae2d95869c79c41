using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// One pass over the rows of a known-size float vector column that training can use, each checked as it is read: the one cursor loop behind
/// <see cref="FeatureMatrixReader"/> (rows read into memory once) and <see cref="CursorBlockSource"/> (rows streamed every epoch).
/// </summary>
internal sealed class TrainingRowCursor : IDisposable
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly DataViewSchema.Column _column;
    private readonly bool _skipNonFinite;
    private readonly string _dataName;
    private readonly string _parameterName;
    private readonly bool _nanIsMissing;
    private readonly float[] _current;
    private VBuffer<float> _buffer;
    private long _row = -1;

    /// <summary>Opens a cursor over <paramref name="column"/> of <paramref name="data"/>.</summary>
    /// <param name="data">The data.</param>
    /// <param name="column">A known-size vector of float column of <paramref name="data"/>.</param>
    /// <param name="size">The vector size.</param>
    /// <param name="skipNonFinite">Skip rows holding NaN or an infinity instead of throwing.</param>
    /// <param name="dataName">How messages name the data ("training data", "validation data").</param>
    /// <param name="parameterName">The argument that carried <paramref name="data"/>.</param>
    /// <param name="nanIsMissing">Whether NaN marks a missing value, read as it is (an imputer's training data); infinities stay errors.</param>
    public TrainingRowCursor(IDataView data, DataViewSchema.Column column, int size, bool skipNonFinite, string dataName, string parameterName, bool nanIsMissing = false)
    {
        _cursor = data.GetRowCursor([column]);
        _getter = _cursor.GetGetter<VBuffer<float>>(column);
        _column = column;
        _skipNonFinite = skipNonFinite;
        _dataName = dataName;
        _parameterName = parameterName;
        _nanIsMissing = nanIsMissing;
        _current = new float[size];
    }

    /// <summary>The row <see cref="MoveNext"/> last moved to.</summary>
    public ReadOnlySpan<float> Current => _current;

    /// <summary>Rows skipped so far for NaN or an infinity.</summary>
    public long Skipped { get; private set; }

    /// <summary>Moves to the next usable row, skipping (and counting) rows holding NaN or an infinity when asked to; false at the end.</summary>
    /// <param name="cancellationToken">Checked before every row.</param>
    /// <exception cref="ArgumentException">A row holds a value training cannot use, naming row, index and column.</exception>
    public bool MoveNext(CancellationToken cancellationToken)
    {
        while (_cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            _row++;
            _getter(ref _buffer);
            _buffer.CopyTo(_current);
            if (IsUsable())
            {
                return true;
            }

            Skipped++;
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _cursor.Dispose();

    /// <summary>
    /// Whether the current row can be trained on: false for NaN or an infinity when skipping; otherwise such a value, or a magnitude above
    /// <see cref="FeatureMatrix.MaxMagnitude"/>, throws naming row, index and column.
    /// </summary>
    private bool IsUsable()
    {
        int bad = IndexOfNonFinite(_current, _nanIsMissing);
        if (bad >= 0)
        {
            if (!_skipNonFinite)
            {
                throw new ArgumentException(
                    _nanIsMissing
                        ? $"Row {_row} of the {_dataName} has {_current[bad]} at index {bad} of column \"{_column.Name}\"; the imputer reads NaN as a missing value, but an infinity is an error. Replace it (with NaN if it stands for a missing value) before training."
                        : $"Row {_row} of the {_dataName} has {_current[bad]} at index {bad} of column \"{_column.Name}\"; training needs finite values. Remove or impute such rows (e.g. mlContext.Transforms.ReplaceMissingValues), or set {nameof(AutoencoderEstimator.Options.SkipNonFiniteRows)} = true to skip them.",
                    _parameterName);
            }

            return false;
        }

        bad = IndexOfHuge(_current);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Row {_row} of the {_dataName} has {_current[bad]} at index {bad} of column \"{_column.Name}\"; training needs magnitudes up to {FeatureMatrix.MaxMagnitude:G3}, because squared errors of larger values overflow single precision. Standardize the features first (e.g. mlContext.Transforms.NormalizeMeanVariance).",
                _parameterName);
        }

        return true;
    }

    private static int IndexOfHuge(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (MathF.Abs(values[i]) > FeatureMatrix.MaxMagnitude)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values, bool nanIsMissing)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]) && !(nanIsMissing && float.IsNaN(values[i])))
            {
                return i;
            }
        }

        return -1;
    }
}
