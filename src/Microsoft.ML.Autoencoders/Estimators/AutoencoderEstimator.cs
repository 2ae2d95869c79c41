using Microsoft.ML.Autoencoders.Schema;
using Microsoft.ML.Autoencoders.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains an autoencoder on a known-size float vector column and returns an <see cref="AutoencoderTransformer"/> that
/// adds codes, reconstructions, anomaly scores, predicted anomalies and per-feature errors. Create it with
/// <c>mlContext.Autoencoders.Autoencoder(...)</c>.
/// </summary>
/// <remarks>
/// Fit reads the feature column into memory, trains the engine's network (one log line per epoch on the
/// <see cref="MLContext.Log"/> channel, and a progress channel), then learns the anomaly threshold: given outright
/// (<see cref="Options.Threshold"/>), from a false-positive rate on normal validation data
/// (<see cref="Options.FalsePositiveRate"/>), or from the expected contamination of the training data
/// (<see cref="Options.Contamination"/>, default).
/// </remarks>
public sealed partial class AutoencoderEstimator : IEstimator<AutoencoderTransformer>
{
    /// <summary>Training data larger than this (rows x features x 4 bytes, when the view knows its row count) is streamed, as if <see cref="Options.StreamTrainingData"/> were set.</summary>
    internal const long MaxCachedBytes = 2L << 30;

    private readonly MLContext _mlContext;
    private readonly Options _options;

    /// <summary>Prepares to train as <paramref name="options"/> say (copied; later changes to it have no effect).</summary>
    /// <param name="mlContext">The context whose log, progress channels and random source training uses.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">Options contradict each other (e.g. two outputs share a column name), or every output column is switched off.</exception>
    internal AutoencoderEstimator(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _mlContext = mlContext;
    }

    /// <summary>The input schema shape plus the autoencoder's columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, is not a vector of float, or has a variable size.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        FeatureColumnCheck.Check(inputSchema, _options.FeatureColumnName, nameof(inputSchema));
        return OutputShape.Combine(_mlContext, inputSchema, _options.Columns);
    }

    /// <summary>Trains on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, is not a vector of float, or has a variable size.</exception>
    /// <exception cref="ArgumentException">A row holds NaN or an infinity (and <see cref="Options.SkipNonFiniteRows"/> is false), or no row is left.</exception>
    public AutoencoderTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>
    /// Trains on <paramref name="input"/>, validating after each epoch on <paramref name="validationData"/> (normal rows),
    /// which also sets the threshold when <see cref="Options.FalsePositiveRate"/> is given.
    /// </summary>
    /// <param name="input">The training data.</param>
    /// <param name="validationData">Normal rows to validate on and to learn a false-positive-rate threshold from; null to use <see cref="AutoencoderTrainingOptionsBase.ValidationFraction"/> of the training rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, is not a vector of float, or has a variable size.</exception>
    /// <exception cref="ArgumentException">A row holds NaN or an infinity (and <see cref="Options.SkipNonFiniteRows"/> is false), no row is left, or <see cref="Options.FalsePositiveRate"/> is set without validation data.</exception>
    public AutoencoderTransformer Fit(IDataView input, IDataView? validationData) => Fit(input, validationData, CancellationToken.None);

    /// <summary>
    /// Trains as <see cref="Fit(IDataView, IDataView?)"/> does, stopping when <paramref name="cancellationToken"/> is
    /// cancelled: while the data is read, and before every training batch.
    /// </summary>
    /// <remarks>
    /// ML.NET 5 keeps <c>MLContext.CancelExecution</c> and the flag it sets internal to its own assemblies, so an estimator
    /// outside them cannot observe it; cancel through this token instead.
    /// </remarks>
    /// <param name="input">The training data.</param>
    /// <param name="validationData">Normal rows to validate on; null to use <see cref="AutoencoderTrainingOptionsBase.ValidationFraction"/> of the training rows.</param>
    /// <param name="cancellationToken">Cancels training; nothing is returned or written then.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, is not a vector of float, or has a variable size, or <see cref="Options.CodeSize"/> exceeds its size.</exception>
    /// <exception cref="ArgumentException">A row holds NaN or an infinity (and <see cref="Options.SkipNonFiniteRows"/> is false) or a magnitude above 1e18, no row is left, or <see cref="Options.FalsePositiveRate"/> is set without validation data.</exception>
    public AutoencoderTransformer Fit(IDataView input, IDataView? validationData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        (DataViewSchema.Column column, int size, DataViewSchema.Column? validationColumn) = CheckColumns(input, validationData);
        IHost host = ((IHostEnvironment)_mlContext).Register(nameof(AutoencoderEstimator));
        using IChannel channel = host.Start("Training");
        TrainingData data = Read(input, column, size, validationData, validationColumn, channel, cancellationToken);
        int seed = _options.Seed ?? host.Rand.Next();
        TrainingResult result = Train(data, seed, host, channel, cancellationToken);
        AutoencoderModel model = result.Model;
        if (_options.ScaleFeatureErrors)
        {
            model = data.Rows != null ? model.WithErrorScales(data.Rows) : model.WithErrorScales(data.Stream!, _options.StreamingBlockRows, cancellationToken);
            channel.Info(MessageSensitivity.None, $"Feature errors scaled by their training means, from {model.ErrorScales!.Min():G3} to {model.ErrorScales!.Max():G3}.");
        }

        if (_options.CodeNeighbours > 0)
        {
            model = data.Rows != null
                ? model.WithCodeNeighbours(data.Rows, _options.CodeNeighbours)
                : model.WithCodeNeighbours(data.Stream!, _options.CodeNeighbours, _options.StreamingBlockRows, cancellationToken);
            channel.Info(MessageSensitivity.None, $"Scores also measure each code against its {_options.CodeNeighbours} nearest training codes.");
        }

        float threshold = LearnThreshold(model, data, seed, cancellationToken);
        channel.Info(MessageSensitivity.None, $"Anomaly threshold: {threshold:G6}.");
        return new AutoencoderTransformer(model, threshold, _options.Columns, result.History);
    }

    /// <summary>The feature column of the training data and its size, and that of the validation data; throws when they or the code size do not fit.</summary>
    private (DataViewSchema.Column Column, int Size, DataViewSchema.Column? ValidationColumn) CheckColumns(IDataView input, IDataView? validationData)
    {
        (DataViewSchema.Column column, int size) = FeatureColumnCheck.Check(input.Schema, _options.FeatureColumnName, nameof(input));
        if (_options.CodeSizeFor(size) > size)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.CodeSize), _options.CodeSize,
                $"{nameof(Options.CodeSize)} is {_options.CodeSize}, larger than the {size} features per row of column \"{column.Name}\": a code wider than its input can copy the input through, so reconstruction errors, and the anomaly scores built on them, say nothing. Use a {nameof(Options.CodeSize)} below {size}.");
        }

        DataViewSchema.Column? validationColumn = null;
        if (validationData != null)
        {
            validationColumn = FeatureColumnCheck.Check(validationData.Schema, _options.FeatureColumnName, nameof(validationData), size).Column;
        }
        else if (_options.FalsePositiveRate != null && _options.Threshold == null)
        {
            throw new ArgumentException($"{nameof(Options.FalsePositiveRate)} is set, which learns the threshold from normal validation data, but no validation data was given: call Fit(trainingData, validationData), or use {nameof(Options.Contamination)}.", nameof(validationData));
        }

        return (column, size, validationColumn);
    }

    /// <summary>Reads the training rows (or prepares to stream them) and the validation rows.</summary>
    private TrainingData Read(
        IDataView input, DataViewSchema.Column column, int size, IDataView? validationData, DataViewSchema.Column? validationColumn, IChannel channel, CancellationToken cancellationToken)
    {
        FeatureMatrix? rows = null;
        CursorBlockSource? stream = null;
        // Data that fits in memory is read once; data that would not (or when asked) is streamed each epoch.
        if (_options.StreamTrainingData || input.GetRowCount() * size * (long)sizeof(float) > MaxCachedBytes)
        {
            if (_options.ValidationFraction > 0f)
            {
                throw new ArgumentException($"{nameof(Options.ValidationFraction)} is {_options.ValidationFraction}, but streamed rows cannot be held out; pass validation data to Fit, or set it to 0.", nameof(Options.ValidationFraction));
            }

            stream = new CursorBlockSource(input, column, size, _options.SkipNonFiniteRows, "training data", nameof(input));
        }
        else
        {
            rows = FeatureMatrixReader.Read(input, column, size, _options.SkipNonFiniteRows, "training data", nameof(input), out long skipped, cancellationToken);
            WarnSkipped(channel, skipped, "training", column, rows.RowCount);
        }

        FeatureMatrix? validation = null;
        if (validationData != null)
        {
            validation = FeatureMatrixReader.Read(validationData, validationColumn!.Value, size, _options.SkipNonFiniteRows, "validation data", nameof(validationData), out long skipped, cancellationToken);
            WarnSkipped(channel, skipped, "validation", column, null);
        }

        return new TrainingData(column, size, rows, stream, validation);
    }

    /// <summary>Trains the network on <paramref name="data"/> through the backend, logging the run.</summary>
    private TrainingResult Train(TrainingData data, int seed, IHost host, IChannel channel, CancellationToken cancellationToken)
    {
        AutoencoderArchitecture architecture = _options.ToArchitecture(data.Size);
        TrainingOptions trainingOptions = _options.ToTrainingOptions(seed, data.Rows?.RowCount);
        string rows = data.Rows != null ? $"{data.Rows.RowCount} rows" : $"rows streamed {_options.StreamingBlockRows} at a time";
        TrainingBackend backend = _options.Backend.ForContextDevice(_mlContext.GpuDeviceId, _mlContext.FallbackToCpu);
        channel.Info(MessageSensitivity.None, $"Training autoencoder {architecture} on {rows}{(data.Validation != null ? $", validating on {data.Validation.RowCount}" : "")}, seed {seed}, backend {backend}.");

        TrainingResult result;
        using (var reporter = new TrainingReporter(channel, host.StartProgressChannel("Autoencoder training")))
        {
            result = data.Rows != null
                ? backend.Train(architecture, trainingOptions, data.Rows, data.Validation, reporter, cancellationToken)
                : backend.Train(architecture, trainingOptions, data.Stream!, data.Validation, reporter, cancellationToken);
        }

        if (data.Stream != null)
        {
            WarnSkipped(channel, data.Stream.SkippedRows, "training", data.Column, data.Stream.RowCount);
        }

        if (result.StopReason == TrainingStopReason.Diverged)
        {
            channel.Warning(MessageSensitivity.None, result.Message);
        }
        else
        {
            channel.Info(MessageSensitivity.None, result.Message);
        }

        return result;
    }

    private float LearnThreshold(AutoencoderModel model, TrainingData data, int seed, CancellationToken cancellationToken)
    {
        if (_options.Threshold is float given)
        {
            return given;
        }

        if (_options.FalsePositiveRate is float rate)
        {
            return ScoreQuantile.Of(model.Score(data.Validation!), 1.0 - rate, "validation data");
        }

        // With code neighbours, a kept training row is its own nearest code and scores lower than a new row like it: the threshold comes
        // from the kept rows' leave-one-out scores instead, which new normal rows match.
        float[] scores = model.KeptNormalRowScores is IReadOnlyList<float> kept ? [.. kept]
            : data.Rows != null ? model.Score(data.Rows)
            : ScoreSample.Of(model, data.Stream!, _options.StreamingBlockRows, seed, cancellationToken);
        return ScoreQuantile.Of(scores, 1.0 - _options.Contamination, "training data");
    }

    /// <summary>Logs a warning when rows holding NaN or an infinity were skipped.</summary>
    private static void WarnSkipped(IChannel channel, long skipped, string role, DataViewSchema.Column column, long? kept)
    {
        if (skipped > 0)
        {
            string rest = kept is long count ? $"; trained on the other {count}" : "";
            channel.Warning(MessageSensitivity.None, $"Skipped {skipped} {role} rows holding NaN or an infinity in column \"{column.Name}\"{rest}.");
        }
    }

    /// <summary>The rows to train on: held in memory (<paramref name="Rows"/>) or streamed (<paramref name="Stream"/>), and the validation rows.</summary>
    /// <param name="Column">The feature column of the training data.</param>
    /// <param name="Size">Its features per row.</param>
    /// <param name="Rows">The training rows, when read into memory.</param>
    /// <param name="Stream">The training rows, when streamed.</param>
    /// <param name="Validation">The validation rows, if given.</param>
    private sealed record TrainingData(DataViewSchema.Column Column, int Size, FeatureMatrix? Rows, CursorBlockSource? Stream, FeatureMatrix? Validation);
}
