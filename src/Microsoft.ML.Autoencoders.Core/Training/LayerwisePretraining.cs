using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Members;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// Greedy layer-wise pretraining of a deep dense autoencoder (<see cref="TrainingOptions.LayerwisePretrainingEpochs"/>): encoder layer i is
/// trained as a shallow autoencoder in_i -> h_i -> in_i on the codes of the layers before it, on the same backend and with the run's options
/// otherwise, and its two layers become the deep network's encoder layer i and the mirrored decoder layer; the deep network then trains end
/// to end from those weights. Only the initial parameters change, so every backend honours it through the one training run it shares.
/// </summary>
internal static class LayerwisePretraining
{
    /// <summary>Mixed into the run's seed so that the shallow autoencoders draw other weights and shuffles than the run itself.</summary>
    private const int SeedSalt = 0x51AC4ED;

    /// <summary>
    /// Throws, naming <see cref="TrainingOptions.LayerwisePretrainingEpochs"/>, when <paramref name="architecture"/> is not a stack pretraining
    /// can build: a plain dense network (not variational, winner-take-all or convolutional) with at least one encoder hidden layer and a
    /// decoder that mirrors the encoder.
    /// </summary>
    /// <exception cref="ArgumentException">The architecture cannot be pretrained layer by layer.</exception>
    public static void Check(AutoencoderArchitecture architecture)
    {
        string? reason = architecture.Network.LayerwisePretrainingRefusal;
        if (reason != null)
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions.LayerwisePretrainingEpochs)} is set, but {architecture} is {reason}. Layer-wise pretraining needs a dense network with encoder hidden layers and a mirrored decoder; set it to 0.",
                nameof(TrainingOptions.LayerwisePretrainingEpochs));
        }
    }

    /// <summary>
    /// Pretrains every encoder layer of <paramref name="architecture"/> on the rows <paramref name="rows"/> of <paramref name="training"/> and
    /// writes the weights into <paramref name="parameters"/>, the deep network's initial parameters in the engine's layout.
    /// </summary>
    public static void Run(
        AutoencoderArchitecture architecture,
        TrainingOptions options,
        FeatureMatrix training,
        int[] rows,
        float[] parameters,
        Func<TrainingSessionRequest, ITrainingSession> createSession,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<DenseLayer> layers = ((DenseAutoencoderNetwork)architecture.Network).DenseLayers;
        int encoderLayers = architecture.EncoderLayerCount;
        FeatureMatrix input = rows.Length == training.RowCount ? training : Gather(training, rows);
        for (int i = 0; i < encoderLayers; i++)
        {
            DenseLayer encoder = layers[i];
            DenseLayer decoder = layers[layers.Count - 1 - i];
            var shallow = new AutoencoderArchitecture(
                encoder.InputSize, [], encoder.OutputSize, [], architecture.HiddenActivation, encoder.Activation, decoder.Activation);
            AutoencoderModel model = new AutoencoderTrainer(shallow, ShallowOptions(options, i, last: i == encoderLayers - 1))
                .Train(input, null, null, cancellationToken, createSession).Model;
            ReadOnlySpan<float> trained = model.Parameters;
            int encoderCount = encoder.ParameterCount;
            trained[..encoderCount].CopyTo(parameters.AsSpan(encoder.ParameterOffset, encoderCount));
            trained[encoderCount..].CopyTo(parameters.AsSpan(decoder.ParameterOffset, decoder.ParameterCount));
            if (i < encoderLayers - 1)
            {
                input = model.Encode(input);
            }
        }
    }

    /// <summary>
    /// The options of the shallow autoencoder of encoder layer <paramref name="layer"/>: the run's, without pretraining or a held-out split (the
    /// rows are already the run's training rows), for <see cref="TrainingOptions.LayerwisePretrainingEpochs"/> epochs from a seed of its own.
    /// A hidden layer's reconstruction is of hidden activations, so it trains on mean squared error, and the code options (L1, KL sparsity,
    /// lifetime sparsity) apply to the <paramref name="last"/> layer's, the deep network's code, only.
    /// </summary>
    private static TrainingOptions ShallowOptions(TrainingOptions options, int layer, bool last) => options with
    {
        Epochs = options.LayerwisePretrainingEpochs,
        LayerwisePretrainingEpochs = 0,
        ValidationFraction = 0f,
        Loss = layer == 0 ? options.Loss : LossFunction.MeanSquaredError,
        Seed = unchecked(options.Seed * 31 + SeedSalt + layer),
        CodeL1Penalty = last ? options.CodeL1Penalty : 0f,
        SparsityPenalty = last ? options.SparsityPenalty : 0f,
        LifetimeSparsity = last ? options.LifetimeSparsity : 0f,
    };

    private static FeatureMatrix Gather(FeatureMatrix source, int[] rows)
    {
        int columns = source.ColumnCount;
        var values = new float[rows.Length * columns];
        for (int r = 0; r < rows.Length; r++)
        {
            source.Row(rows[r]).CopyTo(values.AsSpan(r * columns, columns));
        }

        return new FeatureMatrix(values, columns);
    }
}
