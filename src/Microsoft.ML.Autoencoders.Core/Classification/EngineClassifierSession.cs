using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Optimizers;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>
/// Fine-tuning on the managed CPU engine: a <see cref="ClassifierNetwork"/> over its own copies of the parameters, input masking and code
/// dropout drawn from the run's generator, and two AdamW updaters. Every buffer is allocated once, for a full batch.
/// </summary>
internal sealed class EngineClassifierSession : IClassifierTrainingSession
{
    /// <summary>The engine's defaults, whose Adam moments and epsilon fine-tuning uses too.</summary>
    private static readonly TrainingOptions EngineDefaults = new();

    private readonly ClassifierNetwork _network;
    private readonly FeatureMatrix _features;
    private readonly ReadOnlyMemory<int> _labels;
    private readonly SeededRandom _random;
    private readonly float[] _encoder;
    private readonly float[] _head;
    private readonly float[] _encoderGradients;
    private readonly float[] _headGradients;
    private readonly AdamUpdater _encoderUpdater;
    private readonly AdamUpdater _headUpdater;
    private readonly ClassifierWorkspace _workspace;
    private readonly float[] _batch;
    private readonly int[] _batchLabels;
    private readonly InputCorruption? _masking;
    private readonly float[]? _dropout;
    private readonly float _keep;

    public EngineClassifierSession(ClassifierSessionRequest request)
    {
        ClassifierTrainingOptions options = request.Options;
        ClassifierNetwork network = request.Network;
        _network = network;
        _features = request.Features;
        _labels = request.Labels;
        _random = request.Random;
        _encoder = request.InitialEncoderParameters.ToArray();
        _head = request.InitialHeadParameters.ToArray();
        _encoderGradients = new float[_encoder.Length];
        _headGradients = new float[_head.Length];
        _encoderUpdater = new AdamUpdater(_encoder.Length, EngineDefaults.Beta1, EngineDefaults.Beta2, EngineDefaults.Epsilon, options.WeightDecay, decoupled: true);
        _headUpdater = new AdamUpdater(_head.Length, EngineDefaults.Beta1, EngineDefaults.Beta2, EngineDefaults.Epsilon, options.WeightDecay, decoupled: true);
        int batchSize = Math.Min(options.BatchSize, _features.RowCount);
        _workspace = new ClassifierWorkspace(network, batchSize);
        _batch = new float[batchSize * network.InputSize];
        _batchLabels = new int[batchSize];
        _masking = options.InputMaskingRate > 0f ? new InputCorruption(NoiseKind.Masking, options.InputMaskingRate, _features, batchSize) : null;
        _dropout = options.CodeDropoutRate > 0f ? new float[batchSize * network.CodeSize] : null;
        _keep = 1f - options.CodeDropoutRate;
    }

    public double Step(ReadOnlySpan<int> rows, float headLearningRate, float? encoderLearningRate)
    {
        int count = rows.Length;
        ReadOnlySpan<float> input = Gather(rows);
        if (_masking != null)
        {
            input = _masking.Apply(input, _random);
        }

        if (_dropout != null)
        {
            DrawDropout(_dropout.AsSpan(0, count * _network.CodeSize));
        }

        _network.Forward(_encoder, _head, input, count, _workspace, _dropout);
        double loss = _network.Loss(_batchLabels, count, _workspace);
        _network.Backward(_encoder, _head, input, count, _workspace, encoderLearningRate is null ? default : _encoderGradients, _headGradients, _dropout);
        _headUpdater.Step(_head, _headGradients, headLearningRate);
        if (encoderLearningRate is float rate)
        {
            _encoderUpdater.Step(_encoder, _encoderGradients, rate);
        }

        return loss;
    }

    public void CopyParametersTo(float[] encoder, float[] head)
    {
        _encoder.CopyTo(encoder, 0);
        _head.CopyTo(head, 0);
    }

    public void Dispose()
    {
    }

    /// <summary>Copies the rows <paramref name="rows"/> names, and their labels, into the batch buffers; returns the batch's rows.</summary>
    private ReadOnlySpan<float> Gather(ReadOnlySpan<int> rows)
    {
        int width = _features.ColumnCount;
        ReadOnlySpan<int> labels = _labels.Span;
        for (int r = 0; r < rows.Length; r++)
        {
            _features.Row(rows[r]).CopyTo(_batch.AsSpan(r * width, width));
            _batchLabels[r] = labels[rows[r]];
        }

        return _batch.AsSpan(0, rows.Length * width);
    }

    /// <summary>Inverted dropout on the code: each value kept with probability 1 - rate and scaled by 1 / (1 - rate), or zeroed.</summary>
    private void DrawDropout(Span<float> mask)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = _random.NextFloat() < _keep ? 1f / _keep : 0f;
        }
    }
}
