namespace Microsoft.ML.Autoencoders.Training;

/// <summary>The managed CPU engine as a <see cref="TrainingBackend"/>: each call runs an <see cref="AutoencoderTrainer"/>.</summary>
internal sealed class EngineTrainingBackend : TrainingBackend
{
    public override TrainingResult Train(
        AutoencoderArchitecture architecture, TrainingOptions options, FeatureMatrix training, FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default) =>
        new AutoencoderTrainer(architecture, options).Train(training, validation, progress, cancellationToken);

    public override TrainingResult Train(
        AutoencoderArchitecture architecture, TrainingOptions options, IRowBlockSource training, FeatureMatrix? validation = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default) =>
        new AutoencoderTrainer(architecture, options).Train(training, validation, progress, cancellationToken);

    public override string ToString() => "Engine (managed CPU)";
}
