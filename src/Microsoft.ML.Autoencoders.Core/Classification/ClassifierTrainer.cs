using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>
/// The fine-tuning run behind <see cref="FineTunedClassifier.Train"/>, the same on every backend: the checks, the seeded head, the shuffles and
/// mini-batches, one cosine learning-rate decay for both halves (the encoder's at a fraction of the head's, and none while it is frozen) and
/// divergence. A backend's <see cref="IClassifierTrainingSession"/> does each step.
/// </summary>
internal static class ClassifierTrainer
{
    public static FineTunedClassifier Train(
        AutoencoderModel autoencoder, FeatureMatrix features, ReadOnlySpan<int> labels, ClassifierHead head, int classCount,
        ClassifierTrainingOptions options, Func<ClassifierSessionRequest, IClassifierTrainingSession> createSession, CancellationToken cancellationToken)
    {
        CheckData(autoencoder, features, labels, head, classCount);
        (ClassifierNetwork network, float[] encoder) = ClassifierNetwork.FromAutoencoder(autoencoder, head, classCount);
        var random = new SeededRandom(options.Seed);
        var headParameters = new float[network.HeadParameterCount];
        network.Head.Initialize(headParameters, WeightInitialization.Glorot, random);

        int rows = features.RowCount;
        int batchSize = Math.Min(options.BatchSize, rows);
        var order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        using IClassifierTrainingSession session = createSession(new ClassifierSessionRequest(network, encoder, headParameters, options, features, labels.ToArray(), random));
        long step = 0, totalSteps = (long)options.Epochs * ((rows + batchSize - 1) / batchSize);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            bool frozen = epoch < options.FrozenEncoderEpochs;
            random.Shuffle(order);
            for (int start = 0; start < rows; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Both rates follow one cosine from their start to 0 over all the steps.
                float rate = options.LearningRate * 0.5f * (1f + MathF.Cos(MathF.PI * step++ / totalSteps));
                double loss = session.Step(order.AsSpan(start, Math.Min(batchSize, rows - start)), rate, frozen ? null : rate * options.EncoderLearningRateFactor);
                if (!double.IsFinite(loss))
                {
                    throw new InvalidOperationException($"Fine-tuning diverged in epoch {epoch + 1}: the cross-entropy is {loss}. Lower {nameof(ClassifierTrainingOptions.LearningRate)} (now {options.LearningRate}).");
                }
            }
        }

        session.CopyParametersTo(encoder, headParameters);
        return new FineTunedClassifier(network, encoder, headParameters);
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
