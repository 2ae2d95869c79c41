using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Optimizers;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// A training run on the managed engine: gathers each batch, corrupts it (a denoising autoencoder's noise, drawn here for every member), runs the
/// member's <see cref="ITrainingPass"/>, then clips the gradient and updates the parameters with the optimizer.
/// </summary>
internal sealed class EngineTrainingSession : ITrainingSession
{
    private readonly TrainingOptions _options;
    private readonly int _features;
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly IParameterUpdater _updater;
    private readonly int _maxRows;
    private readonly float[] _batch;
    private readonly ITrainingPass _pass;
    private readonly InputCorruption? _corruption;
    private readonly SeededRandom _random;
    private FeatureMatrix _block;

    /// <param name="network">The member's network.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="parameters">The initial parameters; updated in place.</param>
    /// <param name="training">The first block of training rows: it sizes the buffers and gives the noise its statistics.</param>
    /// <param name="random">The run's generator, for noise, dropout and sampling.</param>
    /// <param name="missingValues">Whether NaN in a row marks a missing value (a masked loss, whose masking hides values through the mask) rather than being an error.</param>
    /// <param name="guessRounds">With <paramref name="missingValues"/>: the most rounds of the network's own guesses fed back into a batch's input.</param>
    public EngineTrainingSession(AutoencoderNetwork network, TrainingOptions options, float[] parameters, FeatureMatrix training, SeededRandom random, bool missingValues = false, int guessRounds = 0)
    {
        _options = options;
        _features = network.Architecture.InputSize;
        _parameters = parameters;
        _gradients = new float[parameters.Length];
        _block = training;
        _random = random;
        _updater = options.Optimizer switch
        {
            Optimizer.Sgd => new SgdUpdater(parameters.Length, options.Momentum, options.WeightDecay),
            _ => new AdamUpdater(parameters.Length, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, decoupled: options.Optimizer == Optimizer.AdamW),
        };
        _maxRows = Math.Min(options.BatchSize, training.RowCount);
        _batch = new float[_maxRows * _features];
        _pass = network.CreateTrainingPass(new TrainingPassSetup(options, random, _maxRows, missingValues, guessRounds));
        _corruption = options.Noise == NoiseKind.None || missingValues ? null : new InputCorruption(options.Noise, options.NoiseLevel, training, _maxRows);
    }

    public void UseBlock(FeatureMatrix block) => _block = block;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Step(ReadOnlySpan<int> rows, float learningRate)
    {
        Span<float> batch = _batch.AsSpan(0, rows.Length * _features);
        for (int i = 0; i < rows.Length; i++)
        {
            _block.Row(rows[i]).CopyTo(batch.Slice(i * _features, _features));
        }

        ReadOnlySpan<float> input = _corruption == null ? batch : _corruption.Apply(batch, _random);
        double loss = _pass.Step(_parameters, input, batch, rows.Length, _gradients);
        return double.IsFinite(loss) && Update(learningRate) ? loss : double.NaN;
    }

    public double Evaluate(FeatureMatrix data, int[]? rows)
    {
        int total = rows?.Length ?? data.RowCount;
        double sum = 0;
        for (int start = 0; start < total; start += _maxRows)
        {
            int count = Math.Min(_maxRows, total - start);
            Span<float> batch = _batch.AsSpan(0, count * _features);
            if (rows == null)
            {
                data.Values.Slice(start * _features, count * _features).CopyTo(batch);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    data.Row(rows[start + i]).CopyTo(batch.Slice(i * _features, _features));
                }
            }

            sum += _pass.Evaluate(_parameters, batch, count);
        }

        return sum / ((double)total * _pass.TermsPerRow);
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
