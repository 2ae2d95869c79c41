using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Classification;
using Microsoft.ML.Autoencoders.Networks;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>The managed CPU engine as a <see cref="TrainingBackend"/>: each run's session is an <see cref="EngineTrainingSession"/>, each fine-tuning run's an <see cref="EngineClassifierSession"/>.</summary>
internal sealed class EngineTrainingBackend : TrainingBackend
{
    /// <summary>
    /// The engine's session for <paramref name="request"/>: on its own copy of the initial parameters, drawing noise, dropout and samples from
    /// the run's generator, and with the imputer's missing values when the request carries them.
    /// </summary>
    public static ITrainingSession StartSession(TrainingSessionRequest request) =>
        new EngineTrainingSession(
            request.Architecture.Network, request.Options, request.InitialParameters.ToArray(), request.FirstBlock, request.Random, request.MissingValues, request.GuessRounds);

    public override string ToString() => "Engine (managed CPU)";

    protected override ITrainingSession CreateSession(TrainingSessionRequest request) => StartSession(request);

    protected override IClassifierTrainingSession CreateClassifierSession(ClassifierSessionRequest request) => new EngineClassifierSession(request);
}
