using System.Collections.Concurrent;
using Microsoft.ML.Autoencoders.Classification;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// A classifier made of a pretrained autoencoder's encoder and a softmax or logistic head, trained end to end on labelled rows
/// (<see cref="Train"/>). Immutable, and safe to use from many threads at once.
/// </summary>
public sealed class FineTunedClassifier
{
    /// <summary>Rows scored at a time.</summary>
    private const int BandRows = 256;

    private readonly float[] _encoderParameters;
    private readonly float[] _headParameters;
    private readonly ConcurrentBag<ClassifierWorkspace> _workspaces = new();

    internal FineTunedClassifier(ClassifierNetwork network, float[] encoderParameters, float[] headParameters)
    {
        if (encoderParameters.Length != network.EncoderParameterCount || headParameters.Length != network.HeadParameterCount)
        {
            throw new ArgumentException($"The classifier has {network.EncoderParameterCount} encoder and {network.HeadParameterCount} head parameters, not {encoderParameters.Length} and {headParameters.Length}.", nameof(encoderParameters));
        }

        Network = network;
        _encoderParameters = encoderParameters;
        _headParameters = headParameters;
    }

    /// <summary>Features per input row.</summary>
    public int InputSize => Network.InputSize;

    /// <summary>Values per code: the head's inputs.</summary>
    public int CodeSize => Network.CodeSize;

    /// <summary>Classes: K for a softmax head, 2 for a logistic one.</summary>
    public int ClassCount => Network.ClassCount;

    /// <summary>The head, which says what <see cref="Score(ReadOnlySpan{float}, Span{float})"/> writes.</summary>
    public ClassifierHead Head => Network.HeadKind;

    /// <summary>Values <see cref="Score(ReadOnlySpan{float}, Span{float})"/> writes per row: <see cref="ClassCount"/> for a softmax head, 1 for a logistic one.</summary>
    public int ScoreSize => Network.OutputSize;

    internal ClassifierNetwork Network { get; }

    /// <summary>The encoder's weights and biases, layer after layer.</summary>
    internal ReadOnlySpan<float> EncoderParameters => _encoderParameters;

    /// <summary>The head's weights and biases.</summary>
    internal ReadOnlySpan<float> HeadParameters => _headParameters;

    /// <summary>
    /// Starts from <paramref name="autoencoder"/>'s encoder (any dense member; a variational one's latent means), adds a head for
    /// <paramref name="classCount"/> classes, and trains both on <paramref name="features"/> and <paramref name="labels"/>, on <paramref name="backend"/>.
    /// </summary>
    /// <param name="autoencoder">A trained dense autoencoder; its weights are copied, not changed.</param>
    /// <param name="features">The labelled rows, <see cref="AutoencoderModel.InputSize"/> features each.</param>
    /// <param name="labels">One class per row: 0 to <paramref name="classCount"/> - 1 (0 or 1 for a logistic head).</param>
    /// <param name="head">Softmax for multiclass, logistic for binary.</param>
    /// <param name="classCount">Classes: at least 2; exactly 2 for a logistic head.</param>
    /// <param name="options">The training options (defaults when null).</param>
    /// <param name="backend">Where to train: <see cref="TrainingBackend.Engine"/> when null, or a backend that fine-tunes classifiers, such as the TorchSharp package's.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <exception cref="ArgumentException">The autoencoder is not dense, the features do not match its input size or hold an unusable value, or a label is out of range; the message names which.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option, or <paramref name="classCount"/>, is out of range.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (the loss became NaN or infinite), or the backend cannot run here.</exception>
    /// <exception cref="NotSupportedException"><paramref name="backend"/> does not fine-tune classifiers.</exception>
    public static FineTunedClassifier Train(
        AutoencoderModel autoencoder, FeatureMatrix features, ReadOnlySpan<int> labels, ClassifierHead head, int classCount,
        ClassifierTrainingOptions? options = null, TrainingBackend? backend = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        ArgumentNullException.ThrowIfNull(features);
        options ??= new ClassifierTrainingOptions();
        options.Validate();
        return (backend ?? TrainingBackend.Engine).TrainClassifier(autoencoder, features, labels, head, classCount, options, cancellationToken);
    }

    /// <summary>
    /// Writes each row's scores into <paramref name="scores"/> (<see cref="ScoreSize"/> per row): for a softmax head the class probabilities,
    /// for a logistic head the logit (the probability of class 1 is its logistic function). A row holding NaN or an infinity scores NaN.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match whole rows.</exception>
    public void Score(ReadOnlySpan<float> inputs, Span<float> scores)
    {
        if (inputs.Length % InputSize != 0 || scores.Length != inputs.Length / InputSize * ScoreSize)
        {
            throw new ArgumentException($"{inputs.Length} input values and {scores.Length} scores are not whole rows of {InputSize} features and {ScoreSize} scores.", nameof(scores));
        }

        int rows = inputs.Length / InputSize;
        ClassifierWorkspace workspace = _workspaces.TryTake(out ClassifierWorkspace? free) ? free : new ClassifierWorkspace(Network, BandRows);
        try
        {
            for (int start = 0; start < rows; start += BandRows)
            {
                int count = Math.Min(BandRows, rows - start);
                ReadOnlySpan<float> band = inputs.Slice(start * InputSize, count * InputSize);
                ReadOnlySpan<float> logits = Network.Forward(_encoderParameters, _headParameters, band, count, workspace);
                for (int r = 0; r < count; r++)
                {
                    Span<float> rowScores = scores.Slice((start + r) * ScoreSize, ScoreSize);
                    if (FeatureMatrix.NonFiniteIndex(band.Slice(r * InputSize, InputSize)) >= 0)
                    {
                        // An activation such as ReLU may turn NaN into a number; the row's scores must not look like a prediction.
                        rowScores.Fill(float.NaN);
                    }
                    else if (Head == ClassifierHead.Logistic)
                    {
                        rowScores[0] = logits[r];
                    }
                    else
                    {
                        ClassifierNetwork.Softmax(logits.Slice(r * ScoreSize, ScoreSize), rowScores);
                    }
                }
            }
        }
        finally
        {
            _workspaces.Add(workspace);
        }
    }

    /// <summary>Writes the classifier to <paramref name="stream"/> in its versioned binary format.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ClassifierFile.Write(this, stream);
    }

    /// <summary>Reads a classifier written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a classifier file, is damaged, or was written by a newer format version.</exception>
    public static FineTunedClassifier Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ClassifierFile.Read(stream);
    }
}
