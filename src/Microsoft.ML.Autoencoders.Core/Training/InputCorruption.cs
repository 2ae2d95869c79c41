using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>Draws the corruption of a denoising autoencoder: fresh noise for every batch, from the run's seeded generator.</summary>
internal sealed class InputCorruption
{
    private readonly NoiseKind _kind;
    private readonly float _level;
    private readonly float[] _minimum;
    private readonly float[] _maximum;
    private readonly float[] _noisy;

    /// <summary>
    /// Prepares <paramref name="kind"/> noise of strength <paramref name="level"/> for batches of up to <paramref name="maxRows"/> rows;
    /// salt-and-pepper takes each feature's extremes from <paramref name="training"/>.
    /// </summary>
    public InputCorruption(NoiseKind kind, float level, FeatureMatrix training, int maxRows)
    {
        _kind = kind;
        _level = level;
        _noisy = new float[maxRows * training.ColumnCount];
        (_minimum, _maximum) = kind == NoiseKind.SaltAndPepper ? training.ColumnRange() : ([], []);
    }

    /// <summary>A corrupted copy of <paramref name="clean"/> (rows of features), in a buffer the next call overwrites.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<float> Apply(ReadOnlySpan<float> clean, SeededRandom random)
    {
        Span<float> noisy = _noisy.AsSpan(0, clean.Length);
        switch (_kind)
        {
            case NoiseKind.Gaussian:
                for (int i = 0; i < clean.Length; i++)
                {
                    noisy[i] = clean[i] + _level * random.NextGaussian();
                }

                break;
            case NoiseKind.Masking:
                for (int i = 0; i < clean.Length; i++)
                {
                    noisy[i] = random.NextFloat() < _level ? 0f : clean[i];
                }

                break;
            case NoiseKind.SaltAndPepper:
                int features = _minimum.Length;
                for (int i = 0; i < clean.Length; i++)
                {
                    float u = random.NextFloat();
                    noisy[i] = u >= _level ? clean[i] : u < 0.5f * _level ? _minimum[i % features] : _maximum[i % features];
                }

                break;
            default:
                clean.CopyTo(noisy);
                break;
        }

        return noisy;
    }
}
