using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The training run every <see cref="TrainingBackend"/> shares: checks the options against the architecture and the data, draws the initial
/// parameters and the validation split from the seed, and hands the backend's <see cref="ITrainingSession"/> to the <see cref="TrainingLoop"/>
/// (a fresh seeded shuffle each epoch, validation, early stopping that restores the best weights, a learning-rate schedule, one
/// <see cref="EpochReport"/> per epoch). Without a session factory it trains on the engine, which is how <see cref="AutoencoderImputer"/>
/// trains on rows with missing values; the public way to train is <see cref="TrainingBackend.Train(AutoencoderArchitecture, TrainingOptions, FeatureMatrix, FeatureMatrix?, IProgress{EpochReport}?, CancellationToken)"/>.
/// </summary>
internal sealed class AutoencoderTrainer
{
    private readonly AutoencoderArchitecture _architecture;
    private readonly TrainingOptions _options;
    private readonly bool _missingValues;
    private readonly int _guessRounds;

    /// <summary>
    /// Prepares to train <paramref name="architecture"/> as <paramref name="options"/> say. With <paramref name="missingValues"/>: NaN in a
    /// training or validation row marks a missing value, which the input reads as 0 and the loss leaves out (mean squared error over the
    /// observed values only); infinities stay errors. Only a dense, non-variational network with mean squared error trains so, on the engine;
    /// <see cref="AutoencoderImputer"/> standardizes the columns first, so 0 is each column's mean. With <paramref name="guessRounds"/> above 0,
    /// each batch's unseen values (missing, or hidden by masking) take the network's own guesses a random 0 to <paramref name="guessRounds"/>
    /// times before the step, so the network also learns from the inputs that imputation's later rounds give it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The loss or another option does not suit the architecture.</exception>
    public AutoencoderTrainer(AutoencoderArchitecture architecture, TrainingOptions? options = null, bool missingValues = false, int guessRounds = 0)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        options ??= new TrainingOptions();
        options.Validate(architecture);
        if (missingValues && (!architecture.Network.SupportsMissingValues || options.Loss != LossFunction.MeanSquaredError))
        {
            throw new ArgumentException(
                $"Training on rows with missing values needs a dense, non-variational network and {nameof(LossFunction.MeanSquaredError)}; this one is {architecture} with {options.Loss}.",
                nameof(options));
        }

        if (missingValues && options.Noise is not (NoiseKind.None or NoiseKind.Masking))
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions.Noise)} is {options.Noise}; training on rows with missing values hides observed values by {nameof(NoiseKind.Masking)} (or not at all), through the same mask as the missing ones.",
                nameof(TrainingOptions.Noise));
        }

        if (missingValues && options.LayerwisePretrainingEpochs > 0)
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions.LayerwisePretrainingEpochs)} is {options.LayerwisePretrainingEpochs}, but training on rows with missing values does not pretrain layer by layer; set it to 0.",
                nameof(TrainingOptions.LayerwisePretrainingEpochs));
        }

        _missingValues = missingValues;
        _guessRounds = guessRounds;
        _architecture = architecture;
        _options = options;
    }

    /// <summary>Trains on <paramref name="training"/> and returns the model with its loss history.</summary>
    /// <param name="training">The training rows; <see cref="AutoencoderArchitecture.InputSize"/> features each, all finite.</param>
    /// <param name="validation">Rows to validate on after each epoch; when null, <see cref="TrainingOptions.ValidationFraction"/> of the training rows are held out.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The data has the wrong width, too few rows, or a NaN or infinite value.</exception>
    public TrainingResult Train(
        FeatureMatrix training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        return Train(training, validation, progress, cancellationToken, EngineTrainingBackend.StartSession);
    }

    /// <summary>
    /// Trains on <paramref name="training"/> with the network, parameters and optimizer of the session <paramref name="createSession"/> makes
    /// from the run's <see cref="TrainingSessionRequest"/>: how every backend shares the engine's checks and epochs.
    /// </summary>
    public TrainingResult Train(
        FeatureMatrix training,
        FeatureMatrix? validation,
        IProgress<EpochReport>? progress,
        CancellationToken cancellationToken,
        Func<TrainingSessionRequest, ITrainingSession> createSession)
    {
        ArgumentNullException.ThrowIfNull(training);
        CheckData(training, nameof(training));
        if (validation != null)
        {
            CheckData(validation, nameof(validation));
        }

        var random = new SeededRandom(_options.Seed);
        float[] initial = InitialParameters(random);
        (int[] trainRows, int[] validationRows) = Split(training.RowCount, validation == null ? _options.ValidationFraction : 0f, random);
        if (trainRows.Length == 0)
        {
            throw new ArgumentException($"No training rows are left after holding out {_options.ValidationFraction:P0} of {training.RowCount} for validation; lower {nameof(TrainingOptions.ValidationFraction)} or add rows.", nameof(training));
        }

        if (_options.LayerwisePretrainingEpochs > 0)
        {
            LayerwisePretraining.Run(_architecture, _options, training, trainRows, initial, createSession, cancellationToken);
        }

        using ITrainingSession session = createSession(Request(initial, training, random));
        var loop = new TrainingLoop(_architecture, _options, session, initial, random);
        return loop.Execute(() => [(training, trainRows)], streamed: false, validation, training, validationRows, progress, cancellationToken);
    }

    /// <summary>
    /// Trains on rows streamed from <paramref name="training"/>, a block of <see cref="TrainingOptions.StreamingBlockRows"/> rows at a
    /// time, read again each epoch: for data too large to hold in memory. Validation needs its own rows.
    /// </summary>
    /// <param name="training">The training rows, read once per epoch.</param>
    /// <param name="validation">Rows to validate on after each epoch, or null.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch; cancelling throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The rows have the wrong width, there are none, a value is NaN, infinite or too large (named by its row in the stream), or <see cref="TrainingOptions.ValidationFraction"/> is set.</exception>
    public TrainingResult Train(
        IRowBlockSource training,
        FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default) =>
        Train(training, validation, progress, cancellationToken, EngineTrainingBackend.StartSession);

    /// <summary>Streams <paramref name="training"/> through the session <paramref name="createSession"/> makes (see the in-memory overload).</summary>
    public TrainingResult Train(
        IRowBlockSource training,
        FeatureMatrix? validation,
        IProgress<EpochReport>? progress,
        CancellationToken cancellationToken,
        Func<TrainingSessionRequest, ITrainingSession> createSession)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.ColumnCount != _architecture.InputSize)
        {
            throw new ArgumentException($"The training rows have {training.ColumnCount} features; the network expects {_architecture.InputSize}.", nameof(training));
        }

        if (_options.LayerwisePretrainingEpochs > 0)
        {
            throw new ArgumentException($"{nameof(TrainingOptions.LayerwisePretrainingEpochs)} is {_options.LayerwisePretrainingEpochs}, but layer-wise pretraining trains each layer on the codes of the layers before it, held in memory, and these rows are streamed; train on rows held in memory, or set it to 0.", nameof(training));
        }

        if (_options.ValidationFraction > 0f)
        {
            throw new ArgumentException($"{nameof(TrainingOptions.ValidationFraction)} is {_options.ValidationFraction}, but rows streamed from a source cannot be held out; pass validation rows instead, or set it to 0.", nameof(training));
        }

        if (validation != null)
        {
            CheckData(validation, nameof(validation));
        }

        FeatureMatrix first = training.ReadBlocks(_options.StreamingBlockRows, cancellationToken).FirstOrDefault()
            ?? throw new ArgumentException("The training source has no rows; expected at least one.", nameof(training));
        CheckData(first, nameof(training));

        var random = new SeededRandom(_options.Seed);
        float[] initial = InitialParameters(random);

        // The family's noise statistics (salt-and-pepper extremes) come from the first block.
        using ITrainingSession session = createSession(Request(initial, first, random));
        var loop = new TrainingLoop(_architecture, _options, session, initial, random);
        return loop.Execute(() => Blocks(training, cancellationToken), streamed: true, validation, first, [], progress, cancellationToken);
    }

    /// <summary>The architecture's initial parameters drawn from <paramref name="random"/> (biases zero), in the engine's layout.</summary>
    public float[] InitialParameters(SeededRandom random)
    {
        var parameters = new float[_architecture.Network.ParameterCount];
        _architecture.Network.Initialize(parameters, _options.Initialization, random);
        return parameters;
    }

    private TrainingSessionRequest Request(float[] initial, FeatureMatrix firstBlock, SeededRandom random) =>
        new(_architecture, _options, initial, firstBlock, random, _missingValues, _guessRounds);

    /// <summary>One pass over a stream: each block checked (rows named by their place in the stream) with its rows in order.</summary>
    private IEnumerable<(FeatureMatrix Rows, int[] Order)> Blocks(IRowBlockSource source, CancellationToken cancellationToken)
    {
        long offset = 0;
        foreach (FeatureMatrix block in source.ReadBlocks(_options.StreamingBlockRows, cancellationToken))
        {
            CheckData(block, "training", offset);
            offset += block.RowCount;
            yield return (block, Enumerable.Range(0, block.RowCount).ToArray());
        }
    }

    private void CheckData(FeatureMatrix data, string name, long rowOffset = 0)
    {
        if (data.ColumnCount != _architecture.InputSize)
        {
            throw new ArgumentException($"The {name} data has {data.ColumnCount} features per row; the network expects {_architecture.InputSize}.", name);
        }

        if (data.RowCount == 0)
        {
            throw new ArgumentException($"The {name} data has no rows; expected at least one.", name);
        }

        if ((_missingValues ? data.FindUnusableExceptMissing() : data.FindUnusable()) is (int blockRow, int column))
        {
            float value = data.Row(blockRow)[column];
            long row = rowOffset + blockRow;
            throw new ArgumentException(
                float.IsFinite(value)
                    ? $"Row {row}, feature {column} of the {name} data is {value}; training needs magnitudes up to {FeatureMatrix.MaxMagnitude:G3}, because squared errors of larger values overflow single precision. Standardize or rescale the features (e.g. to zero mean and unit variance) before training."
                    : $"Row {row}, feature {column} of the {name} data is {value}; every value must be finite. Remove or impute such rows before training.",
                name);
        }
    }

    private static (int[] Train, int[] Validation) Split(int rowCount, float validationFraction, SeededRandom random)
    {
        int[] rows = Enumerable.Range(0, rowCount).ToArray();
        int held = (int)Math.Round(rowCount * (double)validationFraction);
        if (held == 0)
        {
            return (rows, []);
        }

        random.Shuffle(rows);
        return (rows[..^held], rows[^held..]);
    }
}
