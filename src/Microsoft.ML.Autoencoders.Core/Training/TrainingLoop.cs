using System.Diagnostics;
using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// The epochs of a training run, the same on every backend: each visits the blocks of rows in order and the rows of each in a fresh random
/// order, validates, reports progress, stops early and restores the best weights, and stops with finite weights when training diverges.
/// </summary>
internal sealed class TrainingLoop(AutoencoderArchitecture architecture, TrainingOptions options, ITrainingSession session, float[] initialParameters, SeededRandom random)
{
    /// <summary>Runs the epochs and returns the model.</summary>
    /// <param name="blocks">One pass over the training rows: each block with its row indices. Streamed blocks arrive anew each pass.</param>
    /// <param name="streamed">Whether each pass brings new blocks (otherwise the one in-memory block is handed to the session once).</param>
    /// <param name="validation">Separate validation rows, or null.</param>
    /// <param name="heldOutFrom">The matrix <paramref name="validationRows"/> index.</param>
    /// <param name="validationRows">Training rows held out for validation, or empty.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    public TrainingResult Execute(
        Func<IEnumerable<(FeatureMatrix Rows, int[] Order)>> blocks,
        bool streamed,
        FeatureMatrix? validation,
        FeatureMatrix heldOutFrom,
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
        var pass = new EpochPass();

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            float learningRate = options.LearningRateAt(epoch);
            TimeSpan epochStart = clock.Elapsed;
            bool finite = TrainEpoch(blocks(), streamed, learningRate, pass, cancellationToken);

            // The last step's update is checked by the next batch's loss; at the end of an epoch, check the weights themselves.
            if (!finite || !session.ParametersAreFinite())
            {
                return Diverged(history, bestParameters, bestEpoch, epoch + 1, pass.Batches, learningRate, pass.Block!, pass.Order);
            }

            double trainingLoss = pass.LossSum / pass.Rows;
            double? validationLoss = validation != null ? session.Evaluate(validation, null)
                : validationRows.Length > 0 ? session.Evaluate(heldOutFrom, validationRows)
                : null;
            TimeSpan epochTime = clock.Elapsed - epochStart;
            var report = new EpochReport(epoch + 1, options.Epochs, trainingLoss, validationLoss, learningRate, pass.Rows / epochTime.TotalSeconds, clock.Elapsed);
            history.Add(report);
            progress?.Report(report);

            double monitored = hasValidation ? validationLoss!.Value : trainingLoss;
            if (monitored < bestLoss)
            {
                bestLoss = monitored;
                bestEpoch = epoch + 1;
                sinceBest = 0;
                bestParameters ??= new float[initialParameters.Length];
                session.CopyParametersTo(bestParameters);
            }
            else if (options.EarlyStoppingPatience > 0 && ++sinceBest >= options.EarlyStoppingPatience)
            {
                return Finish(history, bestParameters, bestEpoch, TrainingStopReason.EarlyStopped,
                    $"Stopped early after epoch {epoch + 1}: no improvement for {options.EarlyStoppingPatience} epochs; restored epoch {bestEpoch}.");
            }
        }

        bool restore = options.EarlyStoppingPatience > 0 && bestEpoch != options.Epochs;
        return Finish(history, restore ? bestParameters : null, bestEpoch, TrainingStopReason.Completed,
            restore ? $"Completed {options.Epochs} epochs; restored epoch {bestEpoch}, the best." : $"Completed {options.Epochs} epochs.");
    }

    /// <summary>
    /// One pass over the blocks: each block's rows in a fresh random order, a step per batch. Returns false as soon as a step's loss is not
    /// finite; <paramref name="pass"/> then names the batch and the block it was in.
    /// </summary>
    private bool TrainEpoch(IEnumerable<(FeatureMatrix Rows, int[] Order)> blocks, bool streamed, float learningRate, EpochPass pass, CancellationToken cancellationToken)
    {
        (pass.LossSum, pass.Rows, pass.Batches, pass.Order) = (0, 0, 0, []);
        foreach ((FeatureMatrix block, int[] blockOrder) in blocks)
        {
            if (streamed || !ReferenceEquals(block, pass.Block))
            {
                session.UseBlock(block);
                pass.Block = block;
            }

            int[] order = blockOrder;
            pass.Order = order;
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(options.BatchSize, order.Length - start);
                pass.Batches++;
                double batchLoss = session.Step(order.AsSpan(start, rows), learningRate);
                if (!double.IsFinite(batchLoss))
                {
                    return false;
                }

                pass.LossSum += batchLoss * rows;
            }

            pass.Rows += order.Length;
        }

        return true;
    }

    private TrainingResult Diverged(List<EpochReport> history, float[]? bestParameters, int bestEpoch, int epoch, int batch, float learningRate, FeatureMatrix block, int[] trainRows)
    {
        // The best epoch's weights are kept only if they still give a finite loss on the training rows (the step that
        // ended that epoch may itself have blown them up); otherwise the initial weights, so no NaN reaches the model.
        string kept;
        float[] weights;
        if (bestParameters != null && GivesFiniteLoss(bestParameters, block, trainRows))
        {
            weights = bestParameters;
            kept = $"kept the weights of epoch {bestEpoch}, the best";
        }
        else
        {
            weights = initialParameters;
            kept = bestParameters != null
                ? $"kept the initial weights, because those of epoch {bestEpoch} already give a non-finite loss"
                : "kept the initial weights, because no epoch completed with finite weights";
            bestEpoch = 0;
        }

        return Finish(history, weights, bestEpoch, TrainingStopReason.Diverged,
            $"Training diverged in epoch {epoch}, batch {batch}: the loss, its gradient or the weights became NaN or infinite at learning rate {learningRate}. Stopped and {kept}. Lower {nameof(TrainingOptions.LearningRate)}, set {nameof(TrainingOptions.GradientClipNorm)} (e.g. 1), or standardize the features.");
    }

    private bool GivesFiniteLoss(float[] weights, FeatureMatrix block, int[] trainRows)
    {
        if (FeatureMatrix.NonFiniteIndex(weights) >= 0)
        {
            return false;
        }

        session.LoadParameters(weights);
        return double.IsFinite(session.Evaluate(block, trainRows));
    }

    /// <summary>Builds the result from <paramref name="restored"/> weights, or the session's current ones when null.</summary>
    private TrainingResult Finish(List<EpochReport> history, float[]? restored, int bestEpoch, TrainingStopReason reason, string message)
    {
        float[] weights = restored ?? new float[initialParameters.Length];
        if (restored == null)
        {
            session.CopyParametersTo(weights);
        }

        return new TrainingResult(new AutoencoderModel(architecture, weights), history, bestEpoch, reason, message);
    }

    /// <summary>Where the current epoch is: its loss and row counts, its batches, and the block the session holds with its row order.</summary>
    private sealed class EpochPass
    {
        public double LossSum;
        public long Rows;
        public int Batches;
        public int[] Order = [];
        public FeatureMatrix? Block;
    }
}
