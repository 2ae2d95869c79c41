using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// What a backend is given to start a training run's <see cref="ITrainingSession"/>: the network, the checked options, the initial parameters
/// and the first rows. <c>TrainingBackend.Train</c> makes it after its checks and the seeded validation split. Part of the backend contract,
/// version <see cref="TrainingBackend.ContractVersion"/>.
/// </summary>
public sealed class TrainingSessionRequest
{
    private ParameterLayout? _layout;

    internal TrainingSessionRequest(
        AutoencoderArchitecture architecture, TrainingOptions options, float[] initialParameters, FeatureMatrix firstBlock, SeededRandom random, bool missingValues, int guessRounds)
    {
        Architecture = architecture;
        Options = options;
        InitialParameters = initialParameters;
        FirstBlock = firstBlock;
        Random = random;
        MissingValues = missingValues;
        GuessRounds = guessRounds;
    }

    /// <summary>The network to train.</summary>
    public AutoencoderArchitecture Architecture { get; }

    /// <summary>
    /// How to train it, already checked against <see cref="Architecture"/>: every option is in range and suits the member (for instance no
    /// penalty on a variational code). The session honours the optimizer, its constants, gradient clipping, the loss, noise, dropout, penalties
    /// and <see cref="TrainingOptions.KlWeight"/>; a backend's own randomness (noise, dropout, latent samples) is seeded from <see cref="TrainingOptions.Seed"/>.
    /// </summary>
    public TrainingOptions Options { get; }

    /// <summary>Where every parameter of <see cref="Architecture"/> lives in the flat vector the session reads and writes, and the layers that use them.</summary>
    public ParameterLayout Layout => _layout ??= new ParameterLayout(Architecture);

    /// <summary>
    /// The initial parameters, <see cref="ParameterLayout.ParameterCount"/> values in the engine's layout: weights drawn from the run's seeded
    /// generator as the engine draws them, biases zero. Every backend starts from them, so runs on different backends start alike.
    /// </summary>
    public ReadOnlyMemory<float> InitialParameters { get; }

    /// <summary>
    /// The first block of training rows: the whole training matrix (held-out validation rows included) when training in memory, the
    /// first <see cref="TrainingOptions.StreamingBlockRows"/> rows when streaming. Denoising takes its statistics from it (the per-feature
    /// extremes that salt-and-pepper noise writes). It need not be the matrix that <see cref="ITrainingSession.UseBlock"/> later receives.
    /// </summary>
    public FeatureMatrix FirstBlock { get; }

    /// <summary>The run's generator, which drew the initial parameters and draws the shuffles: the engine's session draws from it too, so a seed repeats a run bit for bit.</summary>
    internal SeededRandom Random { get; }

    /// <summary>Whether NaN in a row marks a missing value (the imputer's masked loss on the engine) rather than being an error.</summary>
    internal bool MissingValues { get; }

    /// <summary>With <see cref="MissingValues"/>: the most rounds of the network's own guesses fed back into a batch's input.</summary>
    internal int GuessRounds { get; }
}
