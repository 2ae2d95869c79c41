using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// The step of a dense autoencoder with any of: input corruption (denoising), dropout on hidden layers, an L1 or KL-sparsity penalty on the code,
/// the contractive penalty, and a winner-take-all code (k-sparse per row, lifetime sparsity over the batch). The loss is the reconstruction loss
/// (mean over values, against the clean input) plus the penalties. With missing values (NaN in the rows), the input reads 0 where a value is
/// missing and the reconstruction loss is the mean over the observed values only (see <see cref="MissingValueMask"/>).
/// </summary>
internal sealed class RegularizedTrainingPass : ITrainingPass
{
    private readonly DenseNetwork _network;
    private readonly TrainingOptions _options;
    private readonly SeededRandom _random;
    private readonly InputCorruption? _corruption;
    private readonly bool _usesLogits;
    private readonly int _codeLayer;
    private readonly int _winners;
    private readonly NetworkWorkspace _workspace;
    private readonly float[]?[] _dropped;
    private readonly float[]?[] _dropMasks;
    private readonly float[] _codeMask;
    private readonly float[] _scratchA;
    private readonly float[] _scratchB;
    private readonly float[] _scratchC;
    private readonly MissingValueMask? _missing;
    private readonly int _guessRounds;

    /// <param name="network">The dense network.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="training">The first block of training rows (noise statistics).</param>
    /// <param name="random">The run's generator.</param>
    /// <param name="maxRows">The largest batch.</param>
    /// <param name="missingValues">Whether NaN in a row marks a missing value (mean squared error only) rather than being an error.</param>
    /// <param name="guessRounds">With <paramref name="missingValues"/>: each batch's input has its unseen values replaced by the network's own guesses 0 to this many times, as imputation's later rounds do.</param>
    public RegularizedTrainingPass(DenseNetwork network, TrainingOptions options, FeatureMatrix training, SeededRandom random, int maxRows, bool missingValues = false, int guessRounds = 0)
    {
        _guessRounds = guessRounds;
        _missing = missingValues ? new MissingValueMask(maxRows * network.Architecture.InputSize) : null;
        _network = network;
        _options = options;
        _random = random;
        _usesLogits = LossKernels.UsesLogits(options.Loss);
        _codeLayer = network.CodeLayer;
        _winners = network.Architecture.WinnerTakeAllK;
        _corruption = options.Noise == NoiseKind.None ? null : new InputCorruption(options.Noise, options.NoiseLevel, training, maxRows);
        _workspace = new NetworkWorkspace(network, maxRows, keepLogits: _usesLogits, forTraining: true);
        int count = network.Layers.Count;
        _dropped = new float[count][];
        _dropMasks = new float[count][];
        for (int i = 0; i < count; i++)
        {
            if (options.DropoutRate > 0f && IsHidden(i))
            {
                int size = maxRows * network.Layers[i].OutputSize;
                _dropped[i] = new float[size];
                _dropMasks[i] = new float[size];
            }
        }

        _codeMask = new float[maxRows * network.Layers[_codeLayer].OutputSize];
        _scratchA = new float[Math.Max(network.MaxWidth, maxRows)];
        _scratchB = new float[network.MaxWidth];
        _scratchC = new float[network.MaxWidth];
    }

    public int TermsPerRow => _network.Architecture.InputSize;

    private bool UsesCodeMask => _winners > 0 || _options.LifetimeSparsity > 0f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows, Span<float> gradients)
    {
        ReadOnlySpan<float> input;
        int observed = clean.Length;
        if (_missing != null)
        {
            // Masking hides observed values (0 is the column's mean); the loss counts every observed value, hidden or seen.
            float fraction = _options.Noise == NoiseKind.Masking ? _options.NoiseLevel : 0f;
            observed = _missing.Prepare(clean, fraction, _random);
            clean = _missing.Filled(clean.Length);
            input = _missing.Input(clean.Length);
            int guesses = _guessRounds > 0 ? _random.NextInt(_guessRounds + 1) : 0;
            for (int r = 0; r < guesses; r++)
            {
                // As imputation's later rounds do: the unseen values take the network's own guesses (no gradient flows through them).
                Forward(parameters, input, rows, training: false);
                Span<float> buffer = _missing.InputBuffer(clean.Length);
                Span<float> guess = _workspace.Outputs[_network.Layers.Count - 1][..clean.Length];
                System.Numerics.Tensors.TensorPrimitives.Subtract(guess, buffer, guess);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(guess, _missing.Unseen(clean.Length), buffer, buffer);
            }

            input = _corruption == null || _options.Noise == NoiseKind.Masking ? input : _corruption.Apply(input, _random);
        }
        else
        {
            input = _corruption == null ? clean : _corruption.Apply(clean, _random);
        }

        Forward(parameters, input, rows, training: true);
        int last = _network.Layers.Count - 1;
        Span<float> gradient = _workspace.OutputGradient;
        double loss;
        if (_missing == null)
        {
            float count = clean.Length;
            loss = LossKernels.Compute(
                _options.Loss, _workspace.Outputs[last][..clean.Length], _usesLogits ? _workspace.PreActivations[last][..clean.Length] : default, clean, gradient, count) / count;
        }
        else
        {
            // A batch with nothing observed contributes no gradient (every weight is 0).
            float count = Math.Max(observed, 1);
            loss = LossKernels.MaskedSquaredError(_workspace.Outputs[last][..clean.Length], clean, _missing.Weights(clean.Length), gradient, 2f / count) / count;
        }

        Span<float> spare = _workspace.SpareGradient;
        for (int i = last; i >= 0; i--)
        {
            DenseLayer layer = _network.Layers[i];
            int size = rows * layer.OutputSize;
            Span<float> delta = gradient[..size];
            if (i == _codeLayer)
            {
                loss += CodePenaltiesAndMask(_workspace.Outputs[i][..size], rows, layer.OutputSize, delta);
            }

            if (_dropMasks[i] is float[] dropMask)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(delta, dropMask.AsSpan(0, size), delta);
            }

            bool isPreActivation = i == last && _usesLogits;
            bool contractive = _options.ContractivePenalty > 0f && i <= _codeLayer;
            if (contractive && !isPreActivation)
            {
                ActivationKernels.Backward(layer.Activation, _workspace.Outputs[i][..size], _workspace.PreActivations[i].IsEmpty ? default : _workspace.PreActivations[i][..size], delta);
                isPreActivation = true;
                loss += ContractivePenalty.Compute(
                    layer.Activation, layer.Weights(parameters), layer.InputSize, layer.OutputSize, _workspace.Outputs[i][..size], rows,
                    _options.ContractivePenalty, delta, _scratchA, _scratchB);
            }

            ReadOnlySpan<float> layerInput = i == 0 ? input : LayerOutput(i - 1, rows);
            layer.Backward(parameters, layerInput, _workspace.Outputs[i], _workspace.PreActivations[i], rows, gradient, isPreActivation, gradients, i == 0 ? default : spare);
            if (contractive)
            {
                ContractivePenalty.AddWeightGradient(
                    layer.Weights(parameters), layer.InputSize, layer.OutputSize, _scratchB, gradients.Slice(layer.WeightOffset, layer.InputSize * layer.OutputSize), _scratchC);
            }

            Span<float> swap = gradient;
            gradient = spare;
            spare = swap;
        }

        return loss;
    }

    public double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows)
    {
        int last = _network.Layers.Count - 1;
        if (_missing != null)
        {
            // The batch's mean over its observed values, times its value count: the session divides by the values.
            int observed = _missing.Prepare(clean);
            ReadOnlySpan<float> filled = _missing.Filled(clean.Length);
            Forward(parameters, filled, rows, training: false);
            double sum = LossKernels.MaskedSquaredError(_workspace.Outputs[last][..clean.Length], filled, _missing.Weights(clean.Length), default, 0f);
            return observed == 0 ? 0 : sum * clean.Length / observed;
        }

        Forward(parameters, clean, rows, training: false);
        return LossKernels.Sum(_options.Loss, _workspace.Outputs[last][..clean.Length], _usesLogits ? _workspace.PreActivations[last][..clean.Length] : default, clean);
    }

    private bool IsHidden(int layer) => layer != _codeLayer && layer != _network.Layers.Count - 1;

    private ReadOnlySpan<float> LayerOutput(int layer, int rows) =>
        _dropMasks[layer] != null ? _dropped[layer].AsSpan(0, rows * _network.Layers[layer].OutputSize) : _workspace.Outputs[layer][..(rows * _network.Layers[layer].OutputSize)];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, bool training)
    {
        ReadOnlySpan<float> x = input;
        for (int i = 0; i < _network.Layers.Count; i++)
        {
            DenseLayer layer = _network.Layers[i];
            int size = rows * layer.OutputSize;
            Span<float> output = _workspace.Outputs[i][..size];
            layer.Forward(parameters, x, rows, output, _workspace.PreActivations[i]);
            x = output;
            if (i == _codeLayer && UsesCodeMask)
            {
                Span<float> mask = _codeMask.AsSpan(0, size);
                mask.Fill(1f);
                if (_winners > 0)
                {
                    WinnerTakeAll.KeepLargestPerRow(output, rows, layer.OutputSize, _winners, mask);
                }

                if (training && _options.LifetimeSparsity > 0f)
                {
                    int keep = Math.Max(1, (int)MathF.Ceiling(_options.LifetimeSparsity * rows));
                    WinnerTakeAll.KeepLargestPerColumn(output, rows, layer.OutputSize, keep, mask, _scratchA);
                }
            }

            if (training && _dropMasks[i] is float[] dropMask)
            {
                float survivor = 1f / (1f - _options.DropoutRate);
                Span<float> masks = dropMask.AsSpan(0, size);
                for (int j = 0; j < masks.Length; j++)
                {
                    masks[j] = _random.NextFloat() < _options.DropoutRate ? 0f : survivor;
                }

                Span<float> dropped = _dropped[i].AsSpan(0, size);
                System.Numerics.Tensors.TensorPrimitives.Multiply(output, masks, dropped);
                x = dropped;
            }
            else if (_dropMasks[i] is float[] unused)
            {
                // Evaluation: no dropout; the next layer reads the plain outputs through the same buffer.
                output.CopyTo(_dropped[i]);
                unused.AsSpan(0, size).Fill(1f);
            }
        }
    }

    private double CodePenaltiesAndMask(ReadOnlySpan<float> codes, int rows, int width, Span<float> delta)
    {
        double penalty = 0;
        if (_options.CodeL1Penalty > 0f)
        {
            penalty += CodePenalties.L1(codes, rows, _options.CodeL1Penalty, delta);
        }

        if (_options.SparsityPenalty > 0f)
        {
            penalty += CodePenalties.KlSparsity(codes, rows, width, _options.SparsityTarget, _options.SparsityPenalty, delta, _scratchA);
        }

        if (UsesCodeMask)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(delta, _codeMask.AsSpan(0, rows * width), delta);
        }

        return penalty;
    }
}
