using System.Runtime.CompilerServices;
using System.Diagnostics;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Optimizers;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Trains an autoencoder on the CPU with mini-batches: a fresh seeded shuffle each epoch, an optional validation
/// set or held-out fraction, early stopping that restores the best weights, a learning-rate schedule, and one
/// <see cref="EpochReport"/> per epoch.
/// </summary>
public sealed class AutoencoderTrainer
{
    private readonly AutoencoderArchitecture _architecture;
    private readonly TrainingOptions _options;

    /// <summary>Prepares to train <paramref name="architecture"/> as <paramref name="options"/> say.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The loss does not suit the architecture.</exception>
    public AutoencoderTrainer(AutoencoderArchitecture architecture, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        options ??= new TrainingOptions();
        options.Validate();
        if (options.Loss == LossFunction.BinaryCrossEntropy && architecture.OutputActivation != Activation.Sigmoid)
        {
            throw new ArgumentException(
                $"{nameof(LossFunction.BinaryCrossEntropy)} needs a {nameof(Activation.Sigmoid)} output activation, but the architecture's is {architecture.OutputActivation}. Use {nameof(LossFunction.MeanSquaredError)}, or a sigmoid output for data in [0, 1].",
                nameof(options));
        }

        CheckFamilyOptions(architecture, options);
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
        ArgumentNullException.ThrowIfNull(training);
        CheckData(training, nameof(training));
        if (validation != null)
        {
            CheckData(validation, nameof(validation));
        }

        var random = new SeededRandom(_options.Seed);
        (DenseNetwork network, ConvolutionalNetwork? convolutional, float[] parameters) = InitializeNetwork(random);

        (int[] trainRows, int[] validationRows) = Split(training.RowCount, validation == null ? _options.ValidationFraction : 0f, random);
        if (trainRows.Length == 0)
        {
            throw new ArgumentException($"No training rows are left after holding out {_options.ValidationFraction:P0} of {training.RowCount} for validation; lower {nameof(TrainingOptions.ValidationFraction)} or add rows.", nameof(training));
        }

        var run = new Run(this, network, convolutional, parameters, training, random);
        return run.Execute(() => [(training, trainRows)], validation, validationRows, progress, cancellationToken);
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
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.ColumnCount != _architecture.InputSize)
        {
            throw new ArgumentException($"The training rows have {training.ColumnCount} features; the network expects {_architecture.InputSize}.", nameof(training));
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
        (DenseNetwork network, ConvolutionalNetwork? convolutional, float[] parameters) = InitializeNetwork(random);

        // The family's noise statistics (salt-and-pepper extremes) come from the first block.
        var run = new Run(this, network, convolutional, parameters, first, random);
        return run.Execute(() => Blocks(training, cancellationToken), validation, [], progress, cancellationToken);
    }

    /// <summary>The network the architecture describes, and its parameters drawn from <paramref name="random"/> (biases zero).</summary>
    private (DenseNetwork Network, ConvolutionalNetwork? Convolutional, float[] Parameters) InitializeNetwork(SeededRandom random)
    {
        var network = new DenseNetwork(_architecture);
        ConvolutionalNetwork? convolutional = ConvolutionalNetworkOf(_architecture);
        var parameters = new float[convolutional?.ParameterCount ?? network.ParameterCount];
        if (convolutional != null)
        {
            convolutional.Initialize(parameters, random);
        }
        else
        {
            network.Initialize(parameters, _options.Initialization, random);
        }

        return (network, convolutional, parameters);
    }

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

    /// <summary>The convolutional network of <paramref name="architecture"/>, or null for a fully connected one.</summary>
    internal static ConvolutionalNetwork? ConvolutionalNetworkOf(AutoencoderArchitecture architecture) => architecture.ConvolutionalNetwork;

    private static void CheckFamilyOptions(AutoencoderArchitecture architecture, TrainingOptions options)
    {
        if (architecture.Convolution != null)
        {
            (string Name, bool Set)[] unsupported =
            [
                (nameof(TrainingOptions.Loss), options.Loss != LossFunction.MeanSquaredError), (nameof(TrainingOptions.CodeL1Penalty), options.CodeL1Penalty != 0f),
                (nameof(TrainingOptions.SparsityPenalty), options.SparsityPenalty != 0f), (nameof(TrainingOptions.ContractivePenalty), options.ContractivePenalty != 0f),
                (nameof(TrainingOptions.DropoutRate), options.DropoutRate != 0f), (nameof(TrainingOptions.LifetimeSparsity), options.LifetimeSparsity != 0f),
            ];
            foreach ((string name, bool set) in unsupported)
            {
                if (set)
                {
                    throw new ArgumentException($"{name} is not supported by convolutional autoencoders yet (they train on mean squared error, optionally with {nameof(TrainingOptions.Noise)}); reset {name} to its default.", nameof(options));
                }
            }
        }

        if (options.SparsityPenalty > 0f && architecture.CodeActivation != Activation.Sigmoid)
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions.SparsityPenalty)} is a KL divergence between mean activations in (0, 1) and needs a {nameof(Activation.Sigmoid)} code activation, but the architecture's is {architecture.CodeActivation}. Use {nameof(TrainingOptions.CodeL1Penalty)} for other codes.",
                nameof(options));
        }

        if (options.ContractivePenalty > 0f)
        {
            for (int i = 0; i < architecture.EncoderLayerCount; i++)
            {
                if (!Losses.ContractivePenalty.Supports(architecture.ActivationOf(i)))
                {
                    throw new ArgumentException($"{nameof(TrainingOptions.ContractivePenalty)} does not support the {architecture.ActivationOf(i)} activation of encoder layer {i}; use another activation or set it to 0.", nameof(options));
                }
            }
        }

        if (architecture.IsVariational)
        {
            (string Name, float Value)[] codeOptions =
            [
                (nameof(TrainingOptions.CodeL1Penalty), options.CodeL1Penalty), (nameof(TrainingOptions.SparsityPenalty), options.SparsityPenalty),
                (nameof(TrainingOptions.ContractivePenalty), options.ContractivePenalty), (nameof(TrainingOptions.DropoutRate), options.DropoutRate),
                (nameof(TrainingOptions.LifetimeSparsity), options.LifetimeSparsity),
            ];
            foreach ((string name, float value) in codeOptions)
            {
                if (value != 0f)
                {
                    throw new ArgumentException($"{name} is {value}, but a variational autoencoder's code is regularized by its KL term ({nameof(TrainingOptions.KlWeight)}); set {name} to 0.", nameof(options));
                }
            }
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

        if (data.FindUnusable() is (int blockRow, int column))
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

    private IParameterUpdater CreateUpdater(int parameterCount) => _options.Optimizer switch
    {
        Optimizer.Sgd => new SgdUpdater(parameterCount, _options.Momentum, _options.WeightDecay),
        _ => new AdamUpdater(parameterCount, _options.Beta1, _options.Beta2, _options.Epsilon, _options.WeightDecay, decoupled: _options.Optimizer == Optimizer.AdamW),
    };

    /// <summary>The state of one call to <c>Train</c>.</summary>
    private sealed class Run
    {
        private readonly TrainingOptions _options;
        private readonly AutoencoderArchitecture _architecture;
        private readonly DenseNetwork _network;
        private readonly float[] _parameters;
        private readonly float[] _gradients;
        private FeatureMatrix _training;
        private readonly SeededRandom _random;
        private readonly IParameterUpdater _updater;
        private readonly NetworkWorkspace _workspace;
        private readonly float[] _batch;
        private readonly bool _usesLogits;
        private readonly float[] _initial;
        private readonly ITrainingPass? _pass;

        public Run(AutoencoderTrainer trainer, DenseNetwork network, ConvolutionalNetwork? convolutional, float[] parameters, FeatureMatrix training, SeededRandom random)
        {
            _options = trainer._options;
            _architecture = trainer._architecture;
            _network = network;
            _parameters = parameters;
            _initial = (float[])parameters.Clone();
            _gradients = new float[parameters.Length];
            _training = training;
            _random = random;
            _updater = trainer.CreateUpdater(parameters.Length);
            _usesLogits = LossKernels.UsesLogits(_options.Loss);
            int maxRows = Math.Min(_options.BatchSize, training.RowCount);
            _workspace = new NetworkWorkspace(network, maxRows, keepLogits: _usesLogits, forTraining: true);
            _batch = new float[maxRows * _architecture.InputSize];
            _pass = convolutional != null ? new ConvolutionalTrainingPass(convolutional, _options, training, random, maxRows)
                : _architecture.IsVariational ? new VariationalTrainingPass(network, _options, training, random, maxRows)
                : _options.NeedsExtendedStep || _architecture.WinnerTakeAllK > 0 ? new RegularizedTrainingPass(network, _options, training, random, maxRows)
                : null;
        }

        /// <summary>
        /// The epochs: each visits the blocks <paramref name="blocks"/> gives (the whole training set once when it is in memory), the
        /// rows of each in a fresh random order.
        /// </summary>
        public TrainingResult Execute(
            Func<IEnumerable<(FeatureMatrix Rows, int[] Order)>> blocks,
            FeatureMatrix? validation,
            int[] validationRows,
            IProgress<EpochReport>? progress,
            CancellationToken cancellationToken)
        {
            var history = new List<EpochReport>();
            var clock = Stopwatch.StartNew();
            float[]? bestParameters = null;
            double bestLoss = double.PositiveInfinity;
            int bestEpoch = 0, sinceBest = 0;
            bool hasValidation = validation != null || validationRows.Length > 0;
            FeatureMatrix heldOutFrom = _training;

            for (int epoch = 0; epoch < _options.Epochs; epoch++)
            {
                float learningRate = _options.LearningRateAt(epoch);
                TimeSpan epochStart = clock.Elapsed;
                double lossSum = 0;
                long epochRows = 0;
                int batchNumber = 0;
                int[] order = [];
                foreach ((FeatureMatrix block, int[] blockOrder) in blocks())
                {
                    _training = block;
                    order = blockOrder;
                    _random.Shuffle(order);
                    for (int start = 0; start < order.Length; start += _options.BatchSize)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        int rows = Math.Min(_options.BatchSize, order.Length - start);
                        batchNumber++;
                        double batchLoss = Step(order.AsSpan(start, rows), learningRate);
                        if (!double.IsFinite(batchLoss))
                        {
                            return Diverged(history, bestParameters, bestEpoch, epoch + 1, batchNumber, learningRate, order);
                        }

                        lossSum += batchLoss * rows;
                    }

                    epochRows += order.Length;
                }

                // The last step's update is checked by the next batch's loss; at the end of an epoch, check the weights themselves.
                if (FeatureMatrix.NonFiniteIndex(_parameters) >= 0)
                {
                    return Diverged(history, bestParameters, bestEpoch, epoch + 1, batchNumber, learningRate, order);
                }

                double trainingLoss = lossSum / epochRows;
                double? validationLoss = validation != null ? Evaluate(validation, null)
                    : validationRows.Length > 0 ? Evaluate(heldOutFrom, validationRows)
                    : null;
                TimeSpan epochTime = clock.Elapsed - epochStart;
                var report = new EpochReport(epoch + 1, _options.Epochs, trainingLoss, validationLoss, learningRate, epochRows / epochTime.TotalSeconds, clock.Elapsed);
                history.Add(report);
                progress?.Report(report);

                double monitored = hasValidation ? validationLoss!.Value : trainingLoss;
                if (monitored < bestLoss)
                {
                    bestLoss = monitored;
                    bestEpoch = epoch + 1;
                    sinceBest = 0;
                    bestParameters ??= new float[_parameters.Length];
                    _parameters.CopyTo(bestParameters, 0);
                }
                else if (_options.EarlyStoppingPatience > 0 && ++sinceBest >= _options.EarlyStoppingPatience)
                {
                    return Finish(history, bestParameters, bestEpoch, TrainingStopReason.EarlyStopped,
                        $"Stopped early after epoch {epoch + 1}: no improvement for {_options.EarlyStoppingPatience} epochs; restored epoch {bestEpoch}.");
                }
            }

            bool restore = _options.EarlyStoppingPatience > 0 && bestEpoch != _options.Epochs;
            return Finish(history, restore ? bestParameters : null, bestEpoch, TrainingStopReason.Completed,
                restore ? $"Completed {_options.Epochs} epochs; restored epoch {bestEpoch}, the best." : $"Completed {_options.Epochs} epochs.");
        }

        /// <summary>One gradient step on the given rows; returns the batch's mean loss, or NaN when the step was refused as divergent.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Step(ReadOnlySpan<int> rows, float learningRate)
        {
            int features = _architecture.InputSize;
            Span<float> batch = _batch.AsSpan(0, rows.Length * features);
            for (int i = 0; i < rows.Length; i++)
            {
                _training.Row(rows[i]).CopyTo(batch.Slice(i * features, features));
            }

            if (_pass != null)
            {
                return StepFamily(batch, rows.Length, learningRate);
            }

            int last = _network.Layers.Count - 1;
            _network.Forward(_parameters, batch, rows.Length, _workspace, _network.Layers.Count);
            float count = batch.Length;
            double lossSum = LossKernels.Compute(
                _options.Loss,
                _workspace.Outputs[last][..batch.Length],
                _usesLogits ? _workspace.PreActivations[last][..batch.Length] : default,
                batch,
                _workspace.OutputGradient,
                count);
            if (!double.IsFinite(lossSum))
            {
                return double.NaN;
            }

            _network.Backward(_parameters, batch, rows.Length, _workspace, _usesLogits, _gradients);
            return Update(learningRate) ? lossSum / count : double.NaN;
        }

        /// <summary>The step of the other members of the family: the pass computes loss and gradients; clipping and the update are shared.</summary>
        private double StepFamily(ReadOnlySpan<float> batch, int rows, float learningRate)
        {
            double loss = _pass!.Step(_parameters, batch, rows, _gradients);
            if (!double.IsFinite(loss))
            {
                return double.NaN;
            }

            return Update(learningRate) ? loss : double.NaN;
        }

        /// <summary>
        /// Clips the gradients to <see cref="TrainingOptions.GradientClipNorm"/> and updates the parameters; refuses (returns false,
        /// parameters untouched) when the gradient's norm is not finite.
        /// </summary>
        private bool Update(float learningRate)
        {
            double norm = VectorKernels.Norm(_gradients);
            if (!double.IsFinite(norm))
            {
                return false;
            }

            if (_options.GradientClipNorm > 0f && norm > _options.GradientClipNorm)
            {
                VectorKernels.Scale(_gradients, (float)(_options.GradientClipNorm / norm));
            }

            _updater.Step(_parameters, _gradients, learningRate);
            return true;
        }

        /// <summary>Mean loss over the given rows of <paramref name="data"/> (all rows when <paramref name="rows"/> is null).</summary>
        private double Evaluate(FeatureMatrix data, int[]? rows)
        {
            int features = _architecture.InputSize;
            int total = rows?.Length ?? data.RowCount;
            int last = _network.Layers.Count - 1;
            double sum = 0;
            for (int start = 0; start < total; start += _workspace.MaxRows)
            {
                int count = Math.Min(_workspace.MaxRows, total - start);
                Span<float> batch = _batch.AsSpan(0, count * features);
                if (rows == null)
                {
                    data.Values.Slice(start * features, count * features).CopyTo(batch);
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        data.Row(rows[start + i]).CopyTo(batch.Slice(i * features, features));
                    }
                }

                if (_pass != null)
                {
                    sum += _pass.Evaluate(_parameters, batch, count);
                    continue;
                }

                _network.Forward(_parameters, batch, count, _workspace, _network.Layers.Count);
                sum += LossKernels.Sum(
                    _options.Loss,
                    _workspace.Outputs[last][..batch.Length],
                    _usesLogits ? _workspace.PreActivations[last][..batch.Length] : default,
                    batch);
            }

            return sum / ((double)total * (_pass?.TermsPerRow ?? features));
        }

        private TrainingResult Diverged(List<EpochReport> history, float[]? bestParameters, int bestEpoch, int epoch, int batch, float learningRate, int[] trainRows)
        {
            // The best epoch's weights are kept only if they still give a finite loss on the training rows (the step that
            // ended that epoch may itself have blown them up); otherwise the initial weights, so no NaN reaches the model.
            string kept;
            float[] weights;
            if (bestParameters != null && GivesFiniteLoss(bestParameters, trainRows))
            {
                weights = bestParameters;
                kept = $"kept the weights of epoch {bestEpoch}, the best";
            }
            else
            {
                weights = _initial;
                kept = bestParameters != null
                    ? $"kept the initial weights, because those of epoch {bestEpoch} already give a non-finite loss"
                    : "kept the initial weights, because no epoch completed with finite weights";
                bestEpoch = 0;
            }

            return Finish(history, weights, bestEpoch, TrainingStopReason.Diverged,
                $"Training diverged in epoch {epoch}, batch {batch}: the loss, its gradient or the weights became NaN or infinite at learning rate {learningRate}. Stopped and {kept}. Lower {nameof(TrainingOptions.LearningRate)}, set {nameof(TrainingOptions.GradientClipNorm)} (e.g. 1), or standardize the features.");
        }

        private bool GivesFiniteLoss(float[] weights, int[] trainRows)
        {
            if (FeatureMatrix.NonFiniteIndex(weights) >= 0)
            {
                return false;
            }

            weights.CopyTo(_parameters, 0);
            return double.IsFinite(Evaluate(_training, trainRows));
        }

        /// <summary>Builds the result from <paramref name="restored"/> weights, or the current ones when null.</summary>
        private TrainingResult Finish(List<EpochReport> history, float[]? restored, int bestEpoch, TrainingStopReason reason, string message)
        {
            float[] weights = restored ?? (float[])_parameters.Clone();
            return new TrainingResult(new AutoencoderModel(_architecture, weights), history, bestEpoch, reason, message);
        }
    }
}
