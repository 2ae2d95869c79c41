using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// Training on rows with missing values: NaN marks a missing value. For each batch it writes the target (the rows with every missing value
/// replaced by 0, the column's mean, since the imputer trains on standardized columns), the network's input (the target with a further
/// random fraction of the observed values hidden, set to 0: denoising by masking), a weight per value for the loss (0 where a value is
/// missing, so the loss counts the observed values only, 1 elsewhere), and which values the input does not show.
/// </summary>
/// <remarks>
/// Weighting the hidden values above the seen ones (2 to 16 times) made no difference to imputation error on the benchmark's tables.
/// </remarks>
internal sealed class MissingValueMask
{
    private readonly float[] _filled;
    private readonly float[] _input;
    private readonly float[] _weights;
    private readonly float[] _unseen;

    /// <summary>Buffers for batches of up to <paramref name="maxValues"/> values.</summary>
    public MissingValueMask(int maxValues)
    {
        _filled = new float[maxValues];
        _input = new float[maxValues];
        _weights = new float[maxValues];
        _unseen = new float[maxValues];
    }

    /// <summary>1 where the input of the last masking <see cref="Prepare(ReadOnlySpan{float}, float, SeededRandom)"/> does not show the value (missing or hidden), 0 elsewhere.</summary>
    public ReadOnlySpan<float> Unseen(int length) => _unseen.AsSpan(0, length);

    /// <summary>The input buffer, for replacing its unseen values with the network's guesses.</summary>
    public Span<float> InputBuffer(int length) => _input.AsSpan(0, length);

    /// <summary>The rows of the last <see cref="Prepare(ReadOnlySpan{float})"/>, missing values read as 0: the loss's target.</summary>
    public ReadOnlySpan<float> Filled(int length) => _filled.AsSpan(0, length);

    /// <summary>The network's input of the last <see cref="Prepare(ReadOnlySpan{float})"/> with masking: the target with some observed values hidden.</summary>
    public ReadOnlySpan<float> Input(int length) => _input.AsSpan(0, length);

    /// <summary>The loss weights of the last <see cref="Prepare(ReadOnlySpan{float})"/>: 0 where missing.</summary>
    public ReadOnlySpan<float> Weights(int length) => _weights.AsSpan(0, length);

    /// <summary>Fills the target and weights from <paramref name="rows"/> (no masking) and returns how many values are observed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Prepare(ReadOnlySpan<float> rows)
    {
        Span<float> filled = _filled.AsSpan(0, rows.Length);
        Span<float> weights = _weights.AsSpan(0, rows.Length);
        int i = 0;
        var observedCount = Vector<int>.Zero;
        for (; i <= rows.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(rows[i..]);
            Vector<int> observed = Vector.Equals(v, v); // false only for NaN
            Vector.ConditionalSelect(observed, v, Vector<float>.Zero).CopyTo(filled[i..]);
            Vector.ConditionalSelect(observed, Vector<float>.One, Vector<float>.Zero).CopyTo(weights[i..]);
            observedCount -= observed; // each true lane is -1
        }

        int count = Vector.Sum(observedCount);
        for (; i < rows.Length; i++)
        {
            bool observed = !float.IsNaN(rows[i]);
            filled[i] = observed ? rows[i] : 0f;
            weights[i] = observed ? 1f : 0f;
            count += observed ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// As <see cref="Prepare(ReadOnlySpan{float})"/>, then hides each observed value from the input with probability <paramref name="fraction"/>,
    /// and returns how many values are observed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Prepare(ReadOnlySpan<float> rows, float fraction, SeededRandom random)
    {
        int observed = Prepare(rows);
        Span<float> input = _input.AsSpan(0, rows.Length);
        Span<float> weights = _weights.AsSpan(0, rows.Length);
        _filled.AsSpan(0, rows.Length).CopyTo(input);
        Span<float> unseen = _unseen.AsSpan(0, rows.Length);
        for (int i = 0; i < input.Length; i++)
        {
            bool hide = weights[i] == 0f || random.NextFloat() < fraction;
            input[i] = hide ? 0f : input[i];
            unseen[i] = hide ? 1f : 0f;
        }

        return observed;
    }
}
