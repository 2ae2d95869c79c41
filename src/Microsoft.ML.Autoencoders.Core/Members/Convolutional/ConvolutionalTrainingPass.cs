using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>The step of a convolutional autoencoder: mean squared error against the clean input, from it or a corrupted copy (denoising).</summary>
internal sealed class ConvolutionalTrainingPass(ConvolutionalAutoencoderNetwork network, TrainingPassSetup setup) : ITrainingPass
{
    private readonly NetworkWorkspace _workspace = network.CreateWorkspace(setup.MaxRows, forTraining: true, keepLogits: false);

    public int TermsPerRow => network.Architecture.InputSize;

    public double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> clean, int rows, Span<float> gradients)
    {
        ReadOnlySpan<float> reconstruction = network.Forward(parameters, input, rows, _workspace, 0, network.Layers.Count);
        double loss = LossKernels.Compute(LossFunction.MeanSquaredError, reconstruction, default, clean, _workspace.OutputGradient, clean.Length) / clean.Length;
        network.Backward(parameters, input, rows, _workspace, gradients);
        return loss;
    }

    public double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows)
    {
        ReadOnlySpan<float> reconstruction = network.Forward(parameters, clean, rows, _workspace, 0, network.Layers.Count);
        return LossKernels.Sum(LossFunction.MeanSquaredError, reconstruction, default, clean);
    }
}
