using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>The step of a convolutional autoencoder: mean squared error against the clean input, optionally from a corrupted one (denoising).</summary>
internal sealed class ConvolutionalTrainingPass : ITrainingPass
{
    private readonly ConvolutionalNetwork _network;
    private readonly SeededRandom _random;
    private readonly InputCorruption? _corruption;
    private readonly float[][] _outputs;
    private readonly LayerScratch[] _scratch;
    private readonly float[] _gradient;
    private readonly float[] _spare;

    public ConvolutionalTrainingPass(ConvolutionalNetwork network, TrainingOptions options, FeatureMatrix training, SeededRandom random, int maxRows)
    {
        _network = network;
        _random = random;
        _corruption = options.Noise == NoiseKind.None ? null : new InputCorruption(options.Noise, options.NoiseLevel, training, maxRows);
        _outputs = network.Layers.Select(l => new float[maxRows * l.OutputSize]).ToArray();
        _scratch = network.CreateScratch(maxRows);
        _gradient = new float[maxRows * network.MaxWidth];
        _spare = new float[maxRows * network.MaxWidth];
    }

    public int TermsPerRow => _network.Layers[0].InputSize;

    public double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows, Span<float> gradients)
    {
        ReadOnlySpan<float> input = _corruption == null ? clean : _corruption.Apply(clean, _random);

        ReadOnlySpan<float> reconstruction = _network.Forward(parameters, input, rows, _outputs, _scratch, 0, _network.Layers.Count);
        Span<float> gradient = _gradient;
        Span<float> spare = _spare;
        double loss = LossKernels.Compute(LossFunction.MeanSquaredError, reconstruction, default, clean, gradient, clean.Length) / clean.Length;
        for (int i = _network.Layers.Count - 1; i >= 0; i--)
        {
            ITensorLayer layer = _network.Layers[i];
            ReadOnlySpan<float> layerInput = i == 0 ? input : _outputs[i - 1].AsSpan(0, rows * layer.InputSize);
            layer.Backward(parameters, layerInput, _outputs[i].AsSpan(0, rows * layer.OutputSize), rows, gradient, gradients, i == 0 ? default : spare, _scratch[i]);
            Span<float> swap = gradient;
            gradient = spare;
            spare = swap;
        }

        return loss;
    }

    public double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows)
    {
        ReadOnlySpan<float> reconstruction = _network.Forward(parameters, clean, rows, _outputs, _scratch, 0, _network.Layers.Count);
        return LossKernels.Sum(LossFunction.MeanSquaredError, reconstruction, default, clean);
    }
}
