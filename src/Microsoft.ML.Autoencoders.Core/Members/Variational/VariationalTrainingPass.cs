using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The step of a variational autoencoder: the encoder gives a mean and a log-variance per latent dimension, z = mean + exp(logVariance / 2) * eps
/// with eps drawn from the run's generator, the decoder rebuilds the input from z. The loss per row is the reconstruction's negative log-likelihood
/// plus <see cref="TrainingOptions.KlWeight"/> times KL(q(z|x) || N(0, I)) (the negative ELBO when the weight is 1), averaged over rows.
/// A corrupted input (<see cref="TrainingOptions.Noise"/>, applied by the session) works too.
/// </summary>
internal sealed class VariationalTrainingPass : ITrainingPass
{
    private readonly VariationalNetwork _network;
    private readonly IReadOnlyList<DenseLayer> _layers;
    private readonly TrainingOptions _options;
    private readonly SeededRandom _random;
    private readonly bool _bernoulli;
    private readonly int _codeLayer;
    private readonly int _latent;
    private readonly NetworkWorkspace _workspace;
    private readonly float[] _noise;

    public VariationalTrainingPass(VariationalNetwork network, TrainingPassSetup setup)
    {
        _network = network;
        _layers = network.DenseLayers;
        _options = setup.Options;
        _random = setup.Random;
        _bernoulli = network.IsBernoulli;
        _codeLayer = network.CodeLayer;
        _latent = network.Architecture.CodeSize;

        // The workspace's latent buffer holds the reparameterised samples z.
        _workspace = network.CreateWorkspace(setup.MaxRows, forTraining: true, keepLogits: _bernoulli);
        _noise = new float[setup.MaxRows * _latent];
    }

    public int TermsPerRow => 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> clean, int rows, Span<float> gradients)
    {
        Span<float> eps = _noise.AsSpan(0, rows * _latent);
        for (int i = 0; i < eps.Length; i++)
        {
            eps[i] = _random.NextGaussian();
        }

        double loss = Loss(parameters, input, clean, rows, eps, _workspace.OutputGradient) / rows;
        Backward(parameters, input, rows, eps, gradients);
        return loss;
    }

    public double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows) =>
        Loss(parameters, clean, clean, rows, default, default);

    /// <summary>The summed loss of the batch with latent noise <paramref name="eps"/> (the mean itself when empty); fills the output gradient unless it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double Loss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> clean, int rows, ReadOnlySpan<float> eps, Span<float> outputGradient)
    {
        ReadOnlySpan<float> x = input;
        for (int i = 0; i <= _codeLayer; i++)
        {
            _layers[i].Forward(parameters, x, rows, _workspace.Outputs[i], _workspace.PreActivation(i));
            x = _workspace.Outputs[i];
        }

        Span<float> head = _workspace.Outputs[_codeLayer][..(rows * 2 * _latent)];
        Span<float> z = _workspace.Latent.AsSpan(0, rows * _latent);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < _latent; j++)
            {
                float mean = head[r * 2 * _latent + j];
                float lv = Math.Clamp(head[r * 2 * _latent + _latent + j], -GaussianKl.LogVarianceLimit, GaussianKl.LogVarianceLimit);
                z[r * _latent + j] = eps.IsEmpty ? mean : mean + MathF.Exp(0.5f * lv) * eps[r * _latent + j];
            }
        }

        x = z;
        int last = _network.Layers.Count - 1;
        for (int i = _codeLayer + 1; i <= last; i++)
        {
            _layers[i].Forward(parameters, x, rows, _workspace.Outputs[i], _workspace.PreActivation(i));
            x = _workspace.Outputs[i];
        }

        double kl = 0;
        for (int r = 0; r < rows; r++)
        {
            kl += GaussianKl.Row(head, r, _latent);
        }

        double reconstruction = ReconstructionLikelihood.Compute(
            _bernoulli, _workspace.Outputs[last][..clean.Length], _bernoulli ? _workspace.PreActivation(last)[..clean.Length] : default, clean, rows, outputGradient);
        return reconstruction + _options.KlWeight * kl;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, ReadOnlySpan<float> eps, Span<float> gradients)
    {
        Span<float> gradient = _workspace.OutputGradient;
        Span<float> spare = _workspace.SpareGradient;
        int last = _network.Layers.Count - 1;
        for (int i = last; i > _codeLayer; i--)
        {
            ReadOnlySpan<float> layerInput = i == _codeLayer + 1 ? _workspace.Latent.AsSpan(0, rows * _latent) : _workspace.Outputs[i - 1];
            _layers[i].Backward(parameters, layerInput, _workspace.Outputs[i], _workspace.PreActivation(i), rows, gradient, i == last && _bernoulli, gradients, spare);
            Span<float> swap = gradient;
            gradient = spare;
            spare = swap;
        }

        // gradient holds d loss / d z (rows x latent); build d loss / d head (rows x 2 latent) in spare.
        ReadOnlySpan<float> head = _workspace.Outputs[_codeLayer][..(rows * 2 * _latent)];
        Span<float> headGradient = spare[..(rows * 2 * _latent)];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < _latent; j++)
            {
                float dz = gradient[r * _latent + j];
                float lv = head[r * 2 * _latent + _latent + j];
                float clamped = Math.Clamp(lv, -GaussianKl.LogVarianceLimit, GaussianKl.LogVarianceLimit);
                headGradient[r * 2 * _latent + j] = dz;
                headGradient[r * 2 * _latent + _latent + j] = lv == clamped ? dz * 0.5f * MathF.Exp(0.5f * clamped) * eps[r * _latent + j] : 0f;
            }
        }

        GaussianKl.AddGradient(head, rows, _latent, _options.KlWeight / rows, headGradient);
        Span<float> decoded = gradient;
        gradient = spare;
        spare = decoded;
        for (int i = _codeLayer; i >= 0; i--)
        {
            ReadOnlySpan<float> layerInput = i == 0 ? input : _workspace.Outputs[i - 1];
            _layers[i].Backward(parameters, layerInput, _workspace.Outputs[i], _workspace.PreActivation(i), rows, gradient, false, gradients, i == 0 ? default : spare);
            Span<float> swap = gradient;
            gradient = spare;
            spare = swap;
        }
    }
}
