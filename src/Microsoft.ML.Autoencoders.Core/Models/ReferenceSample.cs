using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Models;

/// <summary>
/// A seeded uniform sample of at most <c>capacity</c> normal rows' codes and errors, drawn while the rows stream by (reservoir sampling): the
/// first <c>capacity</c> rows are kept, and row i after them replaces a kept row with probability capacity / (i + 1). The same rows in the
/// same order always give the same sample.
/// </summary>
internal sealed class ReferenceSample
{
    /// <summary>Seeds the draws, so a model's neighbours are the same on every run.</summary>
    private const int Seed = 17;

    private readonly int _capacity;
    private readonly int _codeSize;
    private float[] _codes;
    private float[] _errors;
    private float[]? _scaledErrors;
    private readonly SeededRandom _random = new(Seed);
    private long _seen;

    /// <param name="capacity">The most rows kept.</param>
    /// <param name="codeSize">Values per code.</param>
    /// <param name="scaled">Whether each row also has a scaled error to keep.</param>
    public ReferenceSample(int capacity, int codeSize, bool scaled)
    {
        _capacity = capacity;
        _codeSize = codeSize;
        _codes = [];
        _errors = [];
        _scaledErrors = scaled ? [] : null;
    }

    /// <summary>Offers the next row: kept while there is room, then in place of a kept row with probability capacity / rows seen.</summary>
    public void Offer(ReadOnlySpan<float> code, float error, float scaledError)
    {
        long slot = _seen < _capacity ? _seen : (long)(_random.NextUInt64() % (ulong)(_seen + 1));
        _seen++;
        if (slot < _capacity)
        {
            if (slot == _errors.Length)
            {
                Grow();
            }

            code.CopyTo(_codes.AsSpan((int)slot * _codeSize, _codeSize));
            _errors[slot] = error;
            if (_scaledErrors != null)
            {
                _scaledErrors[slot] = scaledError;
            }
        }
    }

    /// <summary>Doubles the room for kept rows, up to the capacity, so that a few rows cost little memory.</summary>
    private void Grow()
    {
        int rows = Math.Min(_capacity, Math.Max(256, 2 * _errors.Length));
        Array.Resize(ref _codes, rows * _codeSize);
        Array.Resize(ref _errors, rows);
        if (_scaledErrors != null)
        {
            Array.Resize(ref _scaledErrors, rows);
        }
    }

    /// <summary>The kept rows' codes (row-major), errors and scaled errors (null when there are none), in the sample's slot order.</summary>
    public (float[] Codes, float[] Errors, float[]? ScaledErrors) Take()
    {
        int rows = (int)Math.Min(_seen, _capacity);
        return (_codes[..(rows * _codeSize)], _errors[..rows], _scaledErrors?[..rows]);
    }
}
