namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// The loss and gradient of one batch for one member of the family (see <see cref="Networks.AutoencoderNetwork.CreateTrainingPass"/>). The
/// session owns the batch, its corruption, clipping and the optimizer; the loop owns shuffling, validation and early stopping.
/// </summary>
internal interface ITrainingPass
{
    /// <summary>How many loss terms each row contributes to a sum from <see cref="Evaluate"/>: the features for a mean over values, 1 for a per-row loss.</summary>
    int TermsPerRow { get; }

    /// <summary>
    /// Writes d loss / d parameters for the batch into <paramref name="gradients"/>; returns the batch's mean loss. The network reads
    /// <paramref name="input"/> (the clean rows, or a corrupted copy) and the loss compares with <paramref name="clean"/>.
    /// </summary>
    double Step(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> clean, int rows, Span<float> gradients);

    /// <summary>The sum of the loss over the batch, with no noise, dropout or sampling: what validation monitors.</summary>
    double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> clean, int rows);
}
