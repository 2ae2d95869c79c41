using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// A fine-tuning run on TorchSharp: the <see cref="ClassifierModule"/> on the device from the request's parameters, the labelled rows and
/// their labels moved there once, and two AdamW optimizers with the engine's update formulas; every step inside a dispose scope.
/// </summary>
internal sealed class TorchClassifierSession : IClassifierTrainingSession
{
    private readonly DeviceRows _rows;
    private readonly ClassifierModule _module;
    private readonly TorchOptimizer _encoderOptimizer;
    private readonly TorchOptimizer _headOptimizer;
    private readonly InputNoise? _masking;
    private readonly Tensor _features;
    private readonly Tensor _labels;

    /// <param name="request">The encoder and head, their initial parameters, the checked options and the labelled rows.</param>
    /// <param name="device">The resolved device: the CPU or one CUDA device.</param>
    public TorchClassifierSession(ClassifierSessionRequest request, Device device)
    {
        ClassifierTrainingOptions options = request.Options;
        _rows = new DeviceRows(device);
        random.manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA)
        {
            cuda.manual_seed_all(options.Seed);
        }

        _module = new ClassifierModule(request);
        _module.to(device);
        _module.ImportParameters(request.InitialEncoderParameters.Span, request.InitialHeadParameters.Span);
        // AdamW with the engine's Adam constants, as the engine's session uses them.
        var adamW = new TrainingOptions { Optimizer = Optimizer.AdamW, WeightDecay = options.WeightDecay };
        _encoderOptimizer = new TorchOptimizer(_module.EncoderParameters, adamW);
        _headOptimizer = new TorchOptimizer(_module.HeadParameters, adamW);
        _masking = options.InputMaskingRate > 0f ? new InputNoise(NoiseKind.Masking, options.InputMaskingRate, request.Features, device) : null;
        _features = _rows.Upload(request.Features);
        using (DisposeScope scope = NewDisposeScope())
        {
            // Class numbers for the softmax cross-entropy, 0 or 1 as probabilities for the logistic one.
            int[] labels = request.Labels.ToArray();
            Tensor host = request.HeadKind == ClassifierHead.Logistic ? tensor(labels.Select(l => (float)l).ToArray()) : tensor(labels.Select(l => (long)l).ToArray());
            _labels = host.to(device).MoveToOuterDisposeScope();
        }
    }

    public double Step(ReadOnlySpan<int> rows, float headLearningRate, float? encoderLearningRate)
    {
        using DisposeScope scope = NewDisposeScope();
        _module.train();
        Tensor index = _rows.Indices(rows);
        Tensor clean = _features.index_select(0, index);
        Tensor input = _masking?.Apply(clean) ?? clean;
        _encoderOptimizer.ZeroGradients();
        _headOptimizer.ZeroGradients();
        Tensor loss = _module.TrainingLoss(input, _labels.index_select(0, index), trainEncoder: encoderLearningRate is not null);
        double value = loss.item<float>();
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        loss.backward();
        _headOptimizer.Step(headLearningRate);
        if (encoderLearningRate is float rate)
        {
            _encoderOptimizer.Step(rate);
        }

        return value;
    }

    public void CopyParametersTo(float[] encoder, float[] head) => _module.ExportParameters(encoder, head);

    public void Dispose()
    {
        _features.Dispose();
        _labels.Dispose();
        _masking?.Dispose();
        _encoderOptimizer.Dispose();
        _headOptimizer.Dispose();
        _module.Dispose();
    }
}
