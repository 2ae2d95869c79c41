namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// An encoder, its classifier head and their two optimizers during one fine-tuning run on a backend. <c>FineTunedClassifier.Train</c> makes one
/// session per run through <c>TrainingBackend.CreateClassifierSession</c> and drives it batch by batch; it owns everything else (the checks,
/// the initial head, epochs and shuffles, the cosine learning-rate decay, the frozen epochs, divergence and the returned classifier). Part of
/// the backend contract, version <see cref="TrainingBackend.ContractVersion"/>.
/// </summary>
/// <remarks>
/// The run calls a session from one thread at a time: <see cref="Step"/> for each batch, then one <see cref="CopyParametersTo"/> and
/// <see cref="IDisposable.Dispose"/>. Parameters cross the contract as two flat vectors in the engine's layout, which
/// <see cref="ClassifierSessionRequest.EncoderLayers"/> and <see cref="ClassifierSessionRequest.Head"/> describe.
/// </remarks>
public interface IClassifierTrainingSession : IDisposable
{
    /// <summary>
    /// One step on a batch of labelled rows: mask the inputs and drop code values as the options ask, compute the batch's mean cross-entropy
    /// and its gradient, and update the head by AdamW at <paramref name="headLearningRate"/> and, unless the encoder is frozen, the encoder by
    /// its own AdamW at <paramref name="encoderLearningRate"/>.
    /// </summary>
    /// <param name="rows">Indices into <see cref="ClassifierSessionRequest.Features"/>, at most <see cref="ClassifierTrainingOptions.BatchSize"/> of them.</param>
    /// <param name="headLearningRate">The head's learning rate for this step.</param>
    /// <param name="encoderLearningRate">The encoder's learning rate for this step, or null while the encoder is frozen: then its parameters and its optimizer's state stay as they are.</param>
    /// <returns>The batch's mean cross-entropy before the update; NaN or another non-finite value stops the run as diverged.</returns>
    double Step(ReadOnlySpan<int> rows, float headLearningRate, float? encoderLearningRate);

    /// <summary>Copies the current parameters into <paramref name="encoder"/> and <paramref name="head"/>, in the engine's layout.</summary>
    /// <param name="encoder">As many values as <see cref="ClassifierSessionRequest.InitialEncoderParameters"/>.</param>
    /// <param name="head">As many values as <see cref="ClassifierSessionRequest.InitialHeadParameters"/>.</param>
    void CopyParametersTo(float[] encoder, float[] head);
}
