namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// The loss and gradient of one batch for a member of the autoencoder family other than the plain one (whose step stays inline in the trainer,
/// on its fastest path). The trainer owns shuffling, clipping, the optimizer, validation and early stopping.
/// </summary>
internal interface ITrainingPass
{
    /// <summary>How many loss terms each row contributes to a sum from <see cref="Evaluate"/>: the features for a mean over values, 1 for a per-row loss.</summary>
    int TermsPerRow { get; }

    /// <summary>Writes d loss / d parameters for the batch <paramref name="clean"/> into <paramref name="gradients"/>; returns the batch's mean loss.</summary>
    double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows, Span<float> gradients);

    /// <summary>The sum of the loss over the batch, with no noise, dropout or sampling: what validation monitors.</summary>
    double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows);
}
