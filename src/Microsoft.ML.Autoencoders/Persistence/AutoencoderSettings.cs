namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// What the pipeline file's <c>segment-N.json</c> holds beside an autoencoder's model file: its columns, its threshold,
/// and from format version 2 its training history as columns of deterministic figures. Wall-clock figures (rows per
/// second, time elapsed) are not stored: they made two fits with one seed write different files, and took most of the room.
/// </summary>
/// <param name="Columns">The columns the transformer reads and writes.</param>
/// <param name="Threshold">Scores above it are predicted anomalies.</param>
/// <param name="TrainingHistory">The training's per-epoch figures.</param>
internal sealed record AutoencoderSettings(AutoencoderColumns Columns, float Threshold, AutoencoderSettings.History TrainingHistory)
{
    /// <summary>The settings of <paramref name="transformer"/>.</summary>
    public static AutoencoderSettings Of(AutoencoderTransformer transformer)
    {
        return new AutoencoderSettings(transformer.Columns, transformer.Threshold, History.Of(transformer.TrainingHistory));
    }

    /// <summary>Reads the settings in <paramref name="json"/>, the pipeline file's entry <paramref name="entry"/> at format version <paramref name="version"/>.</summary>
    /// <returns>The columns, the threshold, and the history with <see cref="EpochReport.SamplesPerSecond"/> 0 and <see cref="EpochReport.Elapsed"/> zero.</returns>
    /// <exception cref="InvalidDataException">The entry is damaged.</exception>
    public static (AutoencoderColumns Columns, float Threshold, EpochReport[] History) Read(byte[] json, string entry, int version)
    {
        if (version == 1)
        {
            Version1 old = PipelineJson.Deserialize<Version1>(json, entry);
            return (old.Columns, old.Threshold, old.TrainingHistory.Select(r => r with { SamplesPerSecond = 0, Elapsed = TimeSpan.Zero }).ToArray());
        }

        AutoencoderSettings settings = PipelineJson.Deserialize<AutoencoderSettings>(json, entry);
        return (settings.Columns, settings.Threshold, settings.TrainingHistory.Reports(entry));
    }

    /// <summary>The training history, one array per figure, one element per epoch.</summary>
    /// <param name="Epoch">The epochs, from 1.</param>
    /// <param name="EpochCount">The epochs planned.</param>
    /// <param name="TrainingLoss">The mean training losses.</param>
    /// <param name="ValidationLoss">The validation losses, null without validation data.</param>
    /// <param name="LearningRate">The learning rates.</param>
    public sealed record History(int[] Epoch, int[] EpochCount, double[] TrainingLoss, double?[]? ValidationLoss, float[] LearningRate)
    {
        /// <summary>The history of <paramref name="reports"/>, without their timings.</summary>
        public static History Of(IReadOnlyList<EpochReport> reports) => new(
            reports.Select(r => r.Epoch).ToArray(),
            reports.Select(r => r.EpochCount).ToArray(),
            reports.Select(r => r.TrainingLoss).ToArray(),
            reports.Any(r => r.ValidationLoss != null) ? reports.Select(r => r.ValidationLoss).ToArray() : null,
            reports.Select(r => r.LearningRate).ToArray());

        /// <summary>The epoch reports, with no timings.</summary>
        /// <exception cref="InvalidDataException">The arrays differ in length.</exception>
        public EpochReport[] Reports(string entry)
        {
            int count = Epoch.Length;
            if (EpochCount.Length != count || TrainingLoss.Length != count || (ValidationLoss != null && ValidationLoss.Length != count) || LearningRate.Length != count)
            {
                throw new InvalidDataException($"The pipeline file's entry \"{entry}\" is damaged: the columns of its training history differ in length.");
            }

            return Enumerable.Range(0, count)
                .Select(i => new EpochReport(Epoch[i], EpochCount[i], TrainingLoss[i], ValidationLoss?[i], LearningRate[i], 0, TimeSpan.Zero))
                .ToArray();
        }
    }

    /// <summary>The settings as format version 1 stored them: every epoch report whole, timings included.</summary>
    /// <param name="Columns">The columns the transformer reads and writes.</param>
    /// <param name="Threshold">Scores above it are predicted anomalies.</param>
    /// <param name="TrainingHistory">The training's per-epoch reports.</param>
    private sealed record Version1(AutoencoderColumns Columns, float Threshold, EpochReport[] TrainingHistory);
}
