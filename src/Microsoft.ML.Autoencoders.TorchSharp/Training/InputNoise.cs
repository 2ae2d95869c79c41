using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>The corruption of a denoising autoencoder on the device: fresh noise for every batch from libtorch's seeded generator.</summary>
internal sealed class InputNoise : IDisposable
{
    private readonly NoiseKind _kind;
    private readonly double _level;
    private readonly Tensor? _minimum;
    private readonly Tensor? _maximum;

    /// <summary>Prepares <paramref name="kind"/> noise of strength <paramref name="level"/>; salt-and-pepper takes each feature's extremes from <paramref name="training"/>, as the engine does.</summary>
    public InputNoise(NoiseKind kind, float level, FeatureMatrix training, Device device)
    {
        _kind = kind;
        _level = level;
        if (kind == NoiseKind.SaltAndPepper)
        {
            (float[] minimum, float[] maximum) = training.ColumnRange();
            using DisposeScope scope = NewDisposeScope();
            _minimum = tensor(minimum).to(device).MoveToOuterDisposeScope();
            _maximum = tensor(maximum).to(device).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Disposes of the salt-and-pepper extremes.</summary>
    public void Dispose()
    {
        _minimum?.Dispose();
        _maximum?.Dispose();
    }

    /// <summary>A corrupted copy of the batch <paramref name="clean"/>.</summary>
    public Tensor Apply(Tensor clean)
    {
        // Scalars made with using live while libtorch reads them (see Modules/TorchConstants).
        using Scalar level = _level.ToScalar(), half = (0.5 * _level).ToScalar();
        switch (_kind)
        {
            case NoiseKind.Gaussian:
                return clean + level * randn_like(clean);
            case NoiseKind.Masking:
                return clean * rand_like(clean).ge(level).to_type(ScalarType.Float32);
            case NoiseKind.SaltAndPepper:
                Tensor u = rand_like(clean);
                return where(u.lt(half), _minimum!.expand_as(clean), where(u.lt(level), _maximum!.expand_as(clean), clean));
            default:
                return clean;
        }
    }
}
