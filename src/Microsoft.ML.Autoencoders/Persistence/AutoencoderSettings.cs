namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>What the pipeline file's <c>segment-N.json</c> holds beside an autoencoder's model file.</summary>
/// <param name="Columns">The columns the transformer reads and writes.</param>
/// <param name="Threshold">Scores above it are predicted anomalies.</param>
/// <param name="TrainingHistory">The training's per-epoch reports.</param>
internal sealed record AutoencoderSettings(AutoencoderColumns Columns, float Threshold, EpochReport[] TrainingHistory);
