using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// A training run on TorchSharp: the member's module on the device, started from the engine's initial weights; each block of training rows
/// moved to the device once (through pinned memory for CUDA) and batches gathered there; every step inside a dispose scope.
/// </summary>
internal sealed class TorchTrainingSession : ITrainingSession
{
    /// <summary>Rows per forward pass when evaluating.</summary>
    private const int EvaluationRows = 4096;

    private readonly TrainingOptions _options;
    private readonly AutoencoderModule _module;
    private readonly TorchOptimizer _optimizer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly InputNoise? _noise;
    private readonly DeviceRows _rows;
    private Tensor? _block;
    private FeatureMatrix? _blockRows;
    private Tensor? _evaluated;
    private FeatureMatrix? _evaluatedRows;

    /// <param name="request">The run: architecture and layout, validated options, initial parameters, and the first block of rows (which gives the noise its statistics).</param>
    /// <param name="device">The resolved device: the CPU or one CUDA device.</param>
    public TorchTrainingSession(TrainingSessionRequest request, Device device)
    {
        TrainingOptions options = request.Options;
        _options = options;
        _rows = new DeviceRows(device);
        random.manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA)
        {
            cuda.manual_seed_all(options.Seed);
        }

        ParameterLayout layout = request.Layout;
        _module = request.Architecture.Convolution != null ? new ConvolutionalAutoencoder(layout)
            : request.Architecture.IsVariational ? new VariationalAutoencoder(layout, options)
            : new DenseAutoencoder(layout, options);
        _module.to(device);
        _module.ImportParameters(request.InitialParameters.Span);
        _parameters = _module.TrainableParameters.ToArray();
        _optimizer = new TorchOptimizer(_parameters, options);
        _noise = options.Noise == NoiseKind.None ? null : new InputNoise(options.Noise, options.NoiseLevel, request.FirstBlock, device);
    }

    public void UseBlock(FeatureMatrix block)
    {
        _block?.Dispose();
        _block = _rows.Upload(block);
        _blockRows = block;
    }

    public double Step(ReadOnlySpan<int> rows, float learningRate)
    {
        using DisposeScope scope = NewDisposeScope();
        _module.train();
        Tensor clean = _block!.index_select(0, _rows.Indices(rows));
        Tensor input = _noise?.Apply(clean) ?? clean;
        _optimizer.ZeroGradients();
        Tensor loss = _module.TrainingLoss(input, clean);
        double value = loss.item<float>();
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        loss.backward();
        if (_options.GradientClipNorm > 0f && !double.IsFinite(nn.utils.clip_grad_norm_(_parameters, _options.GradientClipNorm)))
        {
            return double.NaN;
        }

        _optimizer.Step(learningRate);
        return value;
    }

    public double Evaluate(FeatureMatrix data, int[]? rows)
    {
        Tensor all = ReferenceEquals(data, _blockRows) ? _block! : Evaluated(data);
        int total = rows?.Length ?? data.RowCount;
        double sum = 0;
        _module.eval();
        using (no_grad())
        {
            for (int start = 0; start < total; start += EvaluationRows)
            {
                using DisposeScope scope = NewDisposeScope();
                int count = Math.Min(EvaluationRows, total - start);
                Tensor batch = rows == null ? all.narrow(0, start, count) : all.index_select(0, _rows.Indices(rows.AsSpan(start, count)));
                sum += _module.EvaluationLoss(batch).item<float>();
            }
        }

        return sum / ((double)total * _module.TermsPerRow);
    }

    public bool ParametersAreFinite()
    {
        using DisposeScope scope = NewDisposeScope();
        using (no_grad())
        {
            return _parameters.All(p => isfinite(p).all().item<bool>());
        }
    }

    public void CopyParametersTo(float[] target) => _module.ExportParameters(target);

    public void LoadParameters(float[] source) => _module.ImportParameters(source);

    public void Dispose()
    {
        _block?.Dispose();
        _evaluated?.Dispose();
        _noise?.Dispose();
        _optimizer.Dispose();
        _module.Dispose();
    }

    /// <summary>Validation rows on the device, moved once and kept while the same matrix is asked for.</summary>
    private Tensor Evaluated(FeatureMatrix data)
    {
        if (!ReferenceEquals(data, _evaluatedRows))
        {
            _evaluated?.Dispose();
            _evaluated = _rows.Upload(data);
            _evaluatedRows = data;
        }

        return _evaluated!;
    }
}
