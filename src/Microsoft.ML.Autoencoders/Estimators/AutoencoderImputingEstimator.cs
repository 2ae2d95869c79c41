using Microsoft.ML.Autoencoders.Schema;
using Microsoft.ML.Autoencoders.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Learns to fill missing values (NaN) of a known-size float vector column with an autoencoder, and returns an
/// <see cref="AutoencoderImputingTransformer"/> that fills them and nothing else: observed values pass through bit for bit.
/// Create it with <c>mlContext.Autoencoders.ImputeMissing(...)</c>.
/// </summary>
/// <remarks>
/// Fit reads the column into memory with its NaN values, standardizes each slot by its observed values, and trains the network with a loss
/// over the observed values only, hiding a further <see cref="Options.MaskingFraction"/> of them from its input in every batch. An infinity
/// in the training data is an error naming its row and slot; a slot never observed is an error too.
/// </remarks>
public sealed partial class AutoencoderImputingEstimator : IEstimator<AutoencoderImputingTransformer>
{
    private readonly MLContext _mlContext;
    private readonly Options _options;

    /// <summary>Prepares to train as <paramref name="options"/> say (copied; later changes to it have no effect).</summary>
    /// <param name="mlContext">The context whose log, progress channels and random source training uses.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal AutoencoderImputingEstimator(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _mlContext = mlContext;
    }

    /// <summary>The input schema shape plus the filled column (replacing the input column when the names match).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a vector of float, or has a variable size.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        FeatureColumnCheck.Check(inputSchema, _options.InputColumnName, nameof(inputSchema));
        var columns = new AutoencoderColumns
        {
            FeatureColumnName = _options.InputColumnName,
            EncodedColumnName = null,
            ReconstructionColumnName = _options.OutputName,
            ScoreColumnName = null,
            PredictedLabelColumnName = null,
            FeatureErrorsColumnName = null,
        };
        return OutputShape.Combine(_mlContext, inputSchema, columns);
    }

    /// <summary>Trains on <paramref name="input"/>, whose NaN values are missing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a vector of float, or has a variable size.</exception>
    /// <exception cref="ArgumentException">A value is infinite or above 1e18 in magnitude, a slot is missing in every row, or there are no rows.</exception>
    public AutoencoderImputingTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains as <see cref="Fit(IDataView)"/> does, stopping when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="input">The training data.</param>
    /// <param name="cancellationToken">Checked while the data is read and before every training batch.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a vector of float, or has a variable size, or <see cref="Options.CodeSize"/> exceeds it.</exception>
    /// <exception cref="ArgumentException">A value is infinite or above 1e18 in magnitude, a slot is missing in every row, or there are no rows.</exception>
    public AutoencoderImputingTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        (DataViewSchema.Column column, int size) = FeatureColumnCheck.Check(input.Schema, _options.InputColumnName, nameof(input));
        // With masking, a code as wide as the input or wider (an overcomplete imputer) still has to rebuild values it does not see.
        if (_options.CodeSize is int code && code >= size && _options.MaskingFraction == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.CodeSize), code,
                $"{nameof(Options.CodeSize)} is {code}, not below the {size} slots of column \"{column.Name}\", and {nameof(Options.MaskingFraction)} is 0: such a network can copy the observed values through and learns nothing about the missing ones. Use a {nameof(Options.CodeSize)} below {size}, or a positive {nameof(Options.MaskingFraction)}.");
        }

        IHost host = ((IHostEnvironment)_mlContext).Register(nameof(AutoencoderImputingEstimator));
        using IChannel channel = host.Start("Training");
        FeatureMatrix training = FeatureMatrixReader.Read(input, column, size, skipNonFinite: false, "training data", nameof(input), out _, cancellationToken, nanIsMissing: true);
        int missing = 0;
        foreach (float value in training.Values)
        {
            missing += float.IsNaN(value) ? 1 : 0;
        }

        AutoencoderArchitecture architecture = _options.ToArchitecture(size);
        int seed = _options.Seed ?? host.Rand.Next();
        TrainingOptions trainingOptions = _options.ToTrainingOptions(seed, training.RowCount);
        channel.Info(MessageSensitivity.None, $"Training imputing autoencoder {architecture} on {training.RowCount} rows ({missing} of {training.Values.Length} values missing), seed {seed}.");

        AutoencoderImputer imputer;
        TrainingResult result;
        try
        {
            using var reporter = new TrainingReporter(channel, host.StartProgressChannel("Autoencoder imputer training"));
            (imputer, result) = AutoencoderImputer.Train(architecture, trainingOptions, training, _options.Iterations, null, reporter, cancellationToken);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            // The options and the width were checked above and the reader refused unusable values naming their row, so what the engine
            // refuses here is the data itself (a slot never observed); its message lacks only the column's name.
            throw new ArgumentException($"Column \"{column.Name}\" cannot train the imputer: {e.Message}", nameof(input), e);
        }

        if (result.StopReason == TrainingStopReason.Diverged)
        {
            channel.Warning(MessageSensitivity.None, result.Message);
        }
        else
        {
            channel.Info(MessageSensitivity.None, result.Message);
        }

        return new AutoencoderImputingTransformer(imputer, _options.InputColumnName, _options.OutputName, result.History);
    }
}
