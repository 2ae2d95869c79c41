using System.Runtime.InteropServices;
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
    private readonly Device _device;
    private readonly AutoencoderModule _module;
    private readonly TorchOptimizer _optimizer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly InputNoise? _noise;
    private readonly Dictionary<int, long[]> _indexBuffers = [];
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
        _device = device;
        random.manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA)
        {
            cuda.manual_seed_all(options.Seed);
        }

        ParameterLayout layout = request.Layout;
        _module = request.Architecture.Convolution != null ? new ConvolutionalAutoencoder(layout)
            : request.Architecture.IsVariational ? new VariationalAutoencoder(layout, options)
            : new DenseAutoencoder(layout, options);
        _module.to(_device);
        _module.ImportParameters(request.InitialParameters.Span);
        _parameters = _module.TrainableParameters.ToArray();
        _optimizer = new TorchOptimizer(_parameters, options);
        _noise = options.Noise == NoiseKind.None ? null : new InputNoise(options.Noise, options.NoiseLevel, request.FirstBlock, _device);
    }

    public void UseBlock(FeatureMatrix block)
    {
        _block?.Dispose();
        _block = ToDevice(block);
        _blockRows = block;
    }

    public double Step(ReadOnlySpan<int> rows, float learningRate)
    {
        using DisposeScope scope = NewDisposeScope();
        _module.train();
        Tensor clean = _block!.index_select(0, Indices(rows));
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
                Tensor batch = rows == null ? all.narrow(0, start, count) : all.index_select(0, Indices(rows.AsSpan(start, count)));
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

    /// <summary>The rows on the device: on the CPU, the matrix's own memory; CUDA copies go through pinned memory.</summary>
    private Tensor ToDevice(FeatureMatrix rows)
    {
        using DisposeScope scope = NewDisposeScope();
        MemoryMarshal.TryGetArray(rows.AsMemory(), out ArraySegment<float> values); // always the matrix's whole array
        Tensor host = tensor(values.Array!, [rows.RowCount, rows.ColumnCount]);
        Tensor onDevice = _device.type == DeviceType.CUDA ? host.pin_memory().to(_device) : host;
        return onDevice.MoveToOuterDisposeScope();
    }

    /// <summary>Validation rows on the device, moved once and kept while the same matrix is asked for.</summary>
    private Tensor Evaluated(FeatureMatrix data)
    {
        if (!ReferenceEquals(data, _evaluatedRows))
        {
            _evaluated?.Dispose();
            _evaluated = ToDevice(data);
            _evaluatedRows = data;
        }

        return _evaluated!;
    }

    /// <summary>Row indices as an int64 tensor on the device, through a reused buffer per length.</summary>
    private Tensor Indices(ReadOnlySpan<int> rows)
    {
        if (!_indexBuffers.TryGetValue(rows.Length, out long[]? buffer))
        {
            buffer = new long[rows.Length];
            _indexBuffers[rows.Length] = buffer;
        }

        for (int i = 0; i < rows.Length; i++)
        {
            buffer[i] = rows[i];
        }

        return tensor(buffer).to(_device);
    }
}
