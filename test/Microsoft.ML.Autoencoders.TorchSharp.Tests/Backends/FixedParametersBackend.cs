using Microsoft.ML.Autoencoders.Backends;

namespace Microsoft.ML.Autoencoders.Tests.Backends;

/// <summary>
/// A backend whose sessions never change the parameters they were given: one epoch through it turns chosen parameters into the engine's
/// <see cref="AutoencoderModel"/>, with nothing but the public backend contract.
/// </summary>
internal sealed class FixedParametersBackend(float[] parameters) : TrainingBackend
{
    /// <summary>The engine's model of <paramref name="architecture"/> with <paramref name="parameters"/>, in the engine's layout.</summary>
    public static AutoencoderModel Model(AutoencoderArchitecture architecture, float[] parameters, FeatureMatrix rows) =>
        new FixedParametersBackend(parameters).Train(architecture, new TrainingOptions { Epochs = 1 }, rows).Model;

    protected override ITrainingSession CreateSession(TrainingSessionRequest request)
    {
        if (parameters.Length != request.Layout.ParameterCount)
        {
            throw new ArgumentException($"{parameters.Length} parameters were given; the layout of {request.Architecture} has {request.Layout.ParameterCount}.", nameof(request));
        }

        return new Session((float[])parameters.Clone());
    }

    private sealed class Session(float[] parameters) : ITrainingSession
    {
        public void UseBlock(FeatureMatrix block)
        {
        }

        public double Step(ReadOnlySpan<int> rows, float learningRate) => 0;

        public double Evaluate(FeatureMatrix data, int[]? rows) => 0;

        public bool ParametersAreFinite() => true;

        public void CopyParametersTo(float[] target) => parameters.CopyTo(target, 0);

        public void LoadParameters(float[] source) => source.AsSpan(0, parameters.Length).CopyTo(parameters);

        public void Dispose()
        {
        }
    }
}
