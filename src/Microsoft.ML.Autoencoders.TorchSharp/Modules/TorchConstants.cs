using TorchSharp;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// The fixed numbers the modules compute with, as TorchSharp scalars made once. TorchSharp frees a <see cref="Scalar"/> in its finalizer,
/// and a scalar made implicitly for one call (<c>0.5 * x</c>) holds no reference once libtorch has its handle: a garbage collection during
/// that call can free it while libtorch still reads it (seen in CI as "Expected false to be true" from <c>Scalar::toDouble</c>). These live
/// as long as the process; a number that changes from call to call is made with <c>using</c>, which keeps it alive until the call is done.
/// </summary>
internal static class TorchConstants
{
    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0.0.ToScalar();

    /// <summary>1.</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>0.5.</summary>
    public static readonly Scalar OneHalf = 0.5.ToScalar();

    /// <summary>3, the cube in the tanh approximation of GELU.</summary>
    public static readonly Scalar Three = 3.0.ToScalar();

    /// <summary>The leaky ReLU's slope below 0, the engine's 0.01.</summary>
    public static readonly Scalar LeakySlope = 0.01.ToScalar();

    /// <summary>sqrt(2 / pi), in the tanh approximation of GELU.</summary>
    public static readonly Scalar GeluScale = 0.7978845608028654.ToScalar();

    /// <summary>0.044715, in the tanh approximation of GELU.</summary>
    public static readonly Scalar GeluCubic = 0.044715.ToScalar();

    /// <summary>The KL sparsity penalty keeps a unit's mean activation in [1e-6, 1 - 1e-6].</summary>
    public static readonly Scalar SparsityFloor = 1e-6.ToScalar();

    /// <summary>See <see cref="SparsityFloor"/>.</summary>
    public static readonly Scalar SparsityCeiling = (1 - 1e-6).ToScalar();

    /// <summary>The lowest latent log-variance, as the engine clamps it (<see cref="Backends.VariationalCode.LogVarianceLimit"/>).</summary>
    public static readonly Scalar LogVarianceFloor = (-(double)Backends.VariationalCode.LogVarianceLimit).ToScalar();

    /// <summary>The highest latent log-variance, as the engine clamps it.</summary>
    public static readonly Scalar LogVarianceCeiling = ((double)Backends.VariationalCode.LogVarianceLimit).ToScalar();
}
