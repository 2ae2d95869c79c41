using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Optimizers;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// A training run on the managed engine: the plain autoencoder's step inline on its fastest path, the other members' through their
/// <see cref="ITrainingPass"/>; gradient clipping and the optimizer shared by all.
/// </summary>
internal sealed class EngineTrainingSession : ITrainingSession
{
    private readonly TrainingOptions _options;
    private readonly AutoencoderArchitecture _architecture;
    private readonly DenseNetwork _network;
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly IParameterUpdater _updater;
    private readonly int _maxRows;
    private readonly NetworkWorkspace? _workspace;
    private readonly float[] _batch;
    private readonly bool _usesLogits;
    private readonly ITrainingPass? _pass;
    private FeatureMatrix _block;

    /// <param name="architecture">The network's shape.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="network">The dense network (the convolutional one comes from the architecture).</param>
    /// <param name="parameters">The initial parameters; updated in place.</param>
    /// <param name="training">The first block of training rows: it sizes the buffers and gives the noise its statistics.</param>
    /// <param name="random">The run's generator, for noise, dropout and sampling.</param>
    /// <param name="missingValues">Whether NaN in a row marks a missing value (a dense network's masked loss) rather than being an error.</param>
    /// <param name="guessRounds">With <paramref name="missingValues"/>: the most rounds of the network's own guesses fed back into a batch's input.</param>
    public EngineTrainingSession(AutoencoderArchitecture architecture, TrainingOptions options, DenseNetwork network, float[] parameters, FeatureMatrix training, SeededRandom random, bool missingValues = false, int guessRounds = 0)
    {
        _options = options;
        _architecture = architecture;
        _network = network;
        _parameters = parameters;
        _gradients = new float[parameters.Length];
        _block = training;
        _updater = options.Optimizer switch
        {
            Optimizer.Sgd => new SgdUpdater(parameters.Length, options.Momentum, options.WeightDecay),
            _ => new AdamUpdater(parameters.Length, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, decoupled: options.Optimizer == Optimizer.AdamW),
        };
        _usesLogits = LossKernels.UsesLogits(options.Loss);
        int maxRows = Math.Min(options.BatchSize, training.RowCount);
        _maxRows = maxRows;
        _batch = new float[maxRows * architecture.InputSize];
        _pass = architecture.ConvolutionalNetwork is ConvolutionalNetwork convolutional ? new ConvolutionalTrainingPass(convolutional, options, training, random, maxRows)
            : architecture.IsVariational ? new VariationalTrainingPass(network, options, training, random, maxRows)
            : options.NeedsExtendedStep || architecture.WinnerTakeAllK > 0 || missingValues ? new RegularizedTrainingPass(network, options, training, random, maxRows, missingValues, guessRounds)
            : null;

        // The plain step's buffers; a family pass keeps its own.
        _workspace = _pass == null ? new NetworkWorkspace(network, maxRows, keepLogits: _usesLogits, forTraining: true) : null;
    }

    public void UseBlock(FeatureMatrix block) => _block = block;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Step(ReadOnlySpan<int> rows, float learningRate)
    {
        int features = _architecture.InputSize;
        Span<float> batch = _batch.AsSpan(0, rows.Length * features);
        for (int i = 0; i < rows.Length; i++)
        {
            _block.Row(rows[i]).CopyTo(batch.Slice(i * features, features));
        }

        double loss;
        if (_pass != null)
        {
            loss = _pass.Step(_parameters, batch, rows.Length, _gradients);
        }
        else
        {
            NetworkWorkspace workspace = _workspace!;
            int last = _network.Layers.Count - 1;
            _network.Forward(_parameters, batch, rows.Length, workspace, _network.Layers.Count);
            float count = batch.Length;
            loss = LossKernels.Compute(
                _options.Loss,
                workspace.Outputs[last][..batch.Length],
                _usesLogits ? workspace.PreActivations[last][..batch.Length] : default,
                batch,
                workspace.OutputGradient,
                count) / count;
            if (double.IsFinite(loss))
            {
                _network.Backward(_parameters, batch, rows.Length, workspace, _usesLogits, _gradients);
            }
        }

        return double.IsFinite(loss) && Update(learningRate) ? loss : double.NaN;
    }

    public double Evaluate(FeatureMatrix data, int[]? rows)
    {
        int features = _architecture.InputSize;
        int total = rows?.Length ?? data.RowCount;
        int last = _network.Layers.Count - 1;
        double sum = 0;
        for (int start = 0; start < total; start += _maxRows)
        {
            int count = Math.Min(_maxRows, total - start);
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

            NetworkWorkspace workspace = _workspace!;
            _network.Forward(_parameters, batch, count, workspace, _network.Layers.Count);
            sum += LossKernels.Sum(
                _options.Loss,
                workspace.Outputs[last][..batch.Length],
                _usesLogits ? workspace.PreActivations[last][..batch.Length] : default,
                batch);
        }

        return sum / ((double)total * (_pass?.TermsPerRow ?? features));
    }

    public bool ParametersAreFinite() => FeatureMatrix.NonFiniteIndex(_parameters) < 0;

    public void CopyParametersTo(float[] target) => _parameters.CopyTo(target, 0);

    public void LoadParameters(float[] source) => source.CopyTo(_parameters, 0);

    /// <summary>Nothing to release: the engine's buffers are managed arrays.</summary>
    public void Dispose()
    {
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
}
