using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The step of a dense autoencoder, plain or with any of: a corrupted input (denoising; the session corrupts it), dropout on hidden layers, an L1 or
/// KL-sparsity penalty on the code, the contractive penalty, the code values its network drops (winner-take-all), and lifetime sparsity over the
/// batch. The loss is the reconstruction loss (mean over values, against the clean input) plus the penalties. With missing values (NaN in the
/// rows), the input reads 0 where a value is missing and the reconstruction loss is the mean over the observed values only (see
/// <see cref="MissingValueMask"/>); masking then hides further observed values through the mask.
/// </summary>
internal sealed class DenseTrainingPass : ITrainingPass
{
    private readonly DenseAutoencoderNetwork _network;
    private readonly IReadOnlyList<DenseLayer> _layers;
    private readonly TrainingOptions _options;
    private readonly SeededRandom _random;
    private readonly bool _usesLogits;
    private readonly int _codeLayer;
    private readonly NetworkWorkspace _workspace;
    private readonly float[]?[] _dropped;
    private readonly float[]?[] _dropMasks;
    private readonly float[] _codeMask;
    private readonly float[] _scratchA;
    private readonly float[] _scratchB;
    private readonly float[] _scratchC;
    private readonly MissingValueMask? _missing;
    private readonly int _guessRounds;

    public DenseTrainingPass(DenseAutoencoderNetwork network, TrainingPassSetup setup)
    {
        TrainingOptions options = setup.Options;
        int maxRows = setup.MaxRows;
        _guessRounds = setup.GuessRounds;
        _missing = setup.MissingValues ? new MissingValueMask(maxRows * network.Architecture.InputSize) : null;
        _network = network;
        _layers = network.DenseLayers;
        _options = options;
        _random = setup.Random;
        _usesLogits = LossKernels.UsesLogits(options.Loss);
        _codeLayer = network.CodeLayer;
        _workspace = network.CreateWorkspace(maxRows, forTraining: true, keepLogits: _usesLogits);
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

    private bool UsesCodeMask => _network.DropsCodeValues || _options.LifetimeSparsity > 0f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> clean, int rows, Span<float> gradients)
    {
        int observed = clean.Length;
        if (_missing != null)
        {
            observed = PrepareMissing(parameters, clean, rows);
            clean = _missing.Filled(clean.Length);
            input = _missing.Input(clean.Length);
        }

        Forward(parameters, input, rows, training: true);
        int last = _network.Layers.Count - 1;
        Span<float> gradient = _workspace.OutputGradient;
        double loss;
        if (_missing == null)
        {
            float count = clean.Length;
            loss = LossKernels.Compute(
                _options.Loss, _workspace.Outputs[last][..clean.Length], _usesLogits ? _workspace.PreActivation(last)[..clean.Length] : default, clean, gradient, count) / count;
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
            DenseLayer layer = _layers[i];
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
                ActivationKernels.Backward(layer.Activation, _workspace.Outputs[i][..size], _workspace.PreActivation(i).IsEmpty ? default : _workspace.PreActivation(i)[..size], delta);
                isPreActivation = true;
                loss += ContractivePenalty.Compute(
                    layer.Activation, layer.Weights(parameters), layer.InputSize, layer.OutputSize, _workspace.Outputs[i][..size], rows,
                    _options.ContractivePenalty, delta, _scratchA, _scratchB);
            }

            ReadOnlySpan<float> layerInput = i == 0 ? input : LayerOutput(i - 1, rows);
            layer.Backward(parameters, layerInput, _workspace.Outputs[i], _workspace.PreActivation(i), rows, gradient, isPreActivation, gradients, i == 0 ? default : spare);
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

    /// <summary>
    /// For rows with missing values: masks the batch into <see cref="MissingValueMask.Filled"/> and <see cref="MissingValueMask.Input"/>
    /// (masking hides observed values too; 0 is the column's mean), and feeds the network's own guesses into the unseen values 0 to
    /// <see cref="TrainingPassSetup.GuessRounds"/> times. Returns how many values the loss counts: every observed value, hidden or seen.
    /// </summary>
    private int PrepareMissing(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows)
    {
        MissingValueMask missing = _missing!;
        float fraction = _options.Noise == NoiseKind.Masking ? _options.NoiseLevel : 0f;
        int observed = missing.Prepare(clean, fraction, _random);
        ReadOnlySpan<float> input = missing.Input(clean.Length);
        int guesses = _guessRounds > 0 ? _random.NextInt(_guessRounds + 1) : 0;
        for (int r = 0; r < guesses; r++)
        {
            // As imputation's later rounds do: the unseen values take the network's own guesses (no gradient flows through them).
            Forward(parameters, input, rows, training: false);
            Span<float> buffer = missing.InputBuffer(clean.Length);
            Span<float> guess = _workspace.Outputs[_layers.Count - 1][..clean.Length];
            System.Numerics.Tensors.TensorPrimitives.Subtract(guess, buffer, guess);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(guess, missing.Unseen(clean.Length), buffer, buffer);
        }

        return observed;
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
        return LossKernels.Sum(_options.Loss, _workspace.Outputs[last][..clean.Length], _usesLogits ? _workspace.PreActivation(last)[..clean.Length] : default, clean);
    }

    private bool IsHidden(int layer) => layer != _codeLayer && layer != _network.Layers.Count - 1;

    private ReadOnlySpan<float> LayerOutput(int layer, int rows) =>
        _dropMasks[layer] != null ? _dropped[layer].AsSpan(0, rows * _layers[layer].OutputSize) : _workspace.Outputs[layer][..(rows * _layers[layer].OutputSize)];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, bool training)
    {
        ReadOnlySpan<float> x = input;
        for (int i = 0; i < _network.Layers.Count; i++)
        {
            DenseLayer layer = _layers[i];
            int size = rows * layer.OutputSize;
            Span<float> output = _workspace.Outputs[i][..size];
            layer.Forward(parameters, x, rows, output, _workspace.PreActivation(i));
            x = output;
            if (i == _codeLayer && UsesCodeMask)
            {
                Span<float> mask = _codeMask.AsSpan(0, size);
                mask.Fill(1f);
                _network.DropCodeValues(output, rows, mask);

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
