namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// What an <see cref="AutoencoderImputingTransformer"/> needs beside its network, as <c>segment-N.json</c> of a pipeline file: its columns,
/// the training rows' means and scales, the filling rounds, and the training history without timings.
/// </summary>
internal sealed record ImputerSettings(string InputColumnName, string OutputColumnName, float[] Means, float[] Scales, int Iterations, AutoencoderSettings.History TrainingHistory)
{
    /// <summary>The settings of <paramref name="transformer"/>.</summary>
    public static ImputerSettings Of(AutoencoderImputingTransformer transformer)
    {
        AutoencoderImputer imputer = transformer.Imputer;
        return new ImputerSettings(transformer.InputColumnName, transformer.OutputColumnName, imputer.Means.ToArray(), imputer.Scales.ToArray(), imputer.Iterations, AutoencoderSettings.History.Of(transformer.TrainingHistory));
    }

    /// <summary>The transformer these settings describe around <paramref name="model"/>.</summary>
    /// <exception cref="InvalidDataException">The settings are not valid for the model.</exception>
    public AutoencoderImputingTransformer ToTransformer(AutoencoderModel model, string entry)
    {
        try
        {
            return new AutoencoderImputingTransformer(new AutoencoderImputer(model, Means, Scales, Iterations), InputColumnName, OutputColumnName, TrainingHistory.Reports(entry));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The pipeline file's entry \"{entry}\" holds invalid imputer settings: {e.Message}", e);
        }
    }
}
