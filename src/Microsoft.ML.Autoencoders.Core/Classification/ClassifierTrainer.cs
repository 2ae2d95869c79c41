using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Optimizers;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>
/// The fine-tuning loop behind <see cref="FineTunedClassifier.Train"/>: seeded shuffles, mini-batches, input masking, code dropout, and two AdamW updaters on one cosine learning-rate decay,
/// the head's at the learning rate and the encoder's at a fraction of it, the encoder's skipped while it is frozen.
/// </summary>
internal static class ClassifierTrainer
{
    /// <summary>The engine's defaults, whose Adam moments and epsilon fine-tuning uses too.</summary>
    private static readonly TrainingOptions EngineDefaults = new();

    public static FineTunedClassifier Train(
        AutoencoderModel autoencoder, FeatureMatrix features, ReadOnlySpan<int> labels, ClassifierHead head, int classCount,
        ClassifierTrainingOptions options, CancellationToken cancellationToken)
    {
        CheckData(autoencoder, features, labels, head, classCount);
        (ClassifierNetwork network, float[] encoder) = ClassifierNetwork.FromAutoencoder(autoencoder, head, classCount);
        var random = new SeededRandom(options.Seed);
        var headParameters = new float[network.HeadParameterCount];
        network.Head.Initialize(headParameters, WeightInitialization.Glorot, random);

        int rows = features.RowCount;
        int batchSize = Math.Min(options.BatchSize, rows);
        var workspace = new ClassifierWorkspace(network, batchSize);
        var encoderGradients = new float[encoder.Length];
        var headGradients = new float[headParameters.Length];
        var encoderUpdater = new AdamUpdater(encoder.Length, EngineDefaults.Beta1, EngineDefaults.Beta2, EngineDefaults.Epsilon, options.WeightDecay, decoupled: true);
        var headUpdater = new AdamUpdater(headParameters.Length, EngineDefaults.Beta1, EngineDefaults.Beta2, EngineDefaults.Epsilon, options.WeightDecay, decoupled: true);
        var order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        var batch = new float[batchSize * network.InputSize];
        var batchLabels = new int[batchSize];
        InputCorruption? masking = options.InputMaskingRate > 0f ? new InputCorruption(NoiseKind.Masking, options.InputMaskingRate, features, batchSize) : null;
        var dropout = options.CodeDropoutRate > 0f ? new float[batchSize * network.CodeSize] : null;
        float keep = 1f - options.CodeDropoutRate;
        long step = 0, totalSteps = (long)options.Epochs * ((rows + batchSize - 1) / batchSize);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            bool frozen = epoch < options.FrozenEncoderEpochs;
            random.Shuffle(order);
            double lossSum = 0;
            for (int start = 0; start < rows; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batchSize, rows - start);
                ReadOnlySpan<float> input = Gather(features, labels, order.AsSpan(start, count), batch, batchLabels);
                if (masking != null)
                {
                    input = masking.Apply(input, random);
                }

                if (dropout != null)
                {
                    DrawDropout(dropout.AsSpan(0, count * network.CodeSize), keep, random);
                }

                network.Forward(encoder, headParameters, input, count, workspace, dropout);
                lossSum += network.Loss(batchLabels, count, workspace) * count;
                network.Backward(encoder, headParameters, input, count, workspace, frozen ? default : encoderGradients, headGradients, dropout);
                // Both rates follow one cosine from their start to 0 over all the steps.
                float rate = options.LearningRate * 0.5f * (1f + MathF.Cos(MathF.PI * step++ / totalSteps));
                headUpdater.Step(headParameters, headGradients, rate);
                if (!frozen)
                {
                    encoderUpdater.Step(encoder, encoderGradients, rate * options.EncoderLearningRateFactor);
                }
            }

            double loss = lossSum / rows;
            if (!double.IsFinite(loss))
            {
                throw new InvalidOperationException($"Fine-tuning diverged in epoch {epoch + 1}: the cross-entropy is {loss}. Lower {nameof(ClassifierTrainingOptions.LearningRate)} (now {options.LearningRate}).");
            }
        }

        return new FineTunedClassifier(network, encoder, headParameters);
    }

    /// <summary>Copies the rows <paramref name="order"/> names, and their labels, into the batch buffers; returns the batch's rows.</summary>
    private static ReadOnlySpan<float> Gather(FeatureMatrix features, ReadOnlySpan<int> labels, ReadOnlySpan<int> order, float[] batch, int[] batchLabels)
    {
        int width = features.ColumnCount;
        for (int r = 0; r < order.Length; r++)
        {
            features.Row(order[r]).CopyTo(batch.AsSpan(r * width, width));
            batchLabels[r] = labels[order[r]];
        }

        return batch.AsSpan(0, order.Length * width);
    }

    /// <summary>Inverted dropout on the code: each value kept with probability <paramref name="keep"/> and scaled by 1 / keep, or zeroed.</summary>
    private static void DrawDropout(Span<float> mask, float keep, SeededRandom random)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextFloat() < keep ? 1f / keep : 0f;
        }
    }

    private static void CheckData(AutoencoderModel autoencoder, FeatureMatrix features, ReadOnlySpan<int> labels, ClassifierHead head, int classCount)
    {
        if (!Enum.IsDefined(head))
        {
            throw new ArgumentOutOfRangeException(nameof(head), head, $"The head must be {ClassifierHead.Softmax} or {ClassifierHead.Logistic}.");
        }

        if (classCount < 2 || (head == ClassifierHead.Logistic && classCount != 2))
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, head == ClassifierHead.Logistic ? "A logistic head has exactly 2 classes." : "A classifier needs at least 2 classes.");
        }

        if (features.ColumnCount != autoencoder.InputSize)
        {
            throw new ArgumentException($"The labelled rows have {features.ColumnCount} features, but the autoencoder {autoencoder.Architecture} takes {autoencoder.InputSize}.", nameof(features));
        }

        if (labels.Length != features.RowCount)
        {
            throw new ArgumentException($"There are {labels.Length} labels for {features.RowCount} rows; expected one label per row.", nameof(labels));
        }

        if (features.FindUnusable() is (int row, int column))
        {
            throw new ArgumentException($"Row {row} holds {features.Row(row)[column]} at feature {column}; the classifier trains on finite values of magnitude at most {FeatureMatrix.MaxMagnitude}.", nameof(features));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Row {i} has label {labels[i]}; labels must be 0 to {classCount - 1}.", nameof(labels));
            }
        }
    }
}
