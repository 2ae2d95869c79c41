namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// The network, its parameters and its optimizer during one training run on a backend. <see cref="TrainingBackend.Train(AutoencoderArchitecture, TrainingOptions, FeatureMatrix, FeatureMatrix?, IProgress{EpochReport}?, CancellationToken)"/>
/// makes one session per run through <c>TrainingBackend.CreateSession</c> and drives it batch by batch; it owns everything else (the checks,
/// the seeded validation split, epochs and shuffles, the learning-rate schedule, validation, early stopping, divergence, progress and the
/// returned model). Part of the backend contract, version <see cref="TrainingBackend.ContractVersion"/>.
/// </summary>
/// <remarks>
/// The run calls a session from one thread at a time, in this order: <see cref="UseBlock"/> before the first <see cref="Step"/> and whenever
/// the rows move to another block; <see cref="Step"/> for each batch; after each epoch <see cref="ParametersAreFinite"/>, <see cref="Evaluate"/>
/// (with validation rows) and <see cref="CopyParametersTo"/> (when the epoch is the best so far); <see cref="LoadParameters"/> and
/// <see cref="Evaluate"/> only when training diverged, to check the best epoch's weights; then one last <see cref="CopyParametersTo"/> and
/// <see cref="IDisposable.Dispose"/>. Parameters cross the contract as one flat vector in the engine's layout, which
/// <see cref="ParameterLayout"/> describes block by block.
/// </remarks>
public interface ITrainingSession : IDisposable
{
    /// <summary>
    /// Makes <paramref name="block"/> the rows that the following <see cref="Step"/> calls index: once for training in memory (the whole
    /// training matrix, held-out validation rows included), and once per block every epoch when the rows are streamed. The matrix is not
    /// changed while it is in use; the session may hold it, or a copy on its device, until the next call or <see cref="IDisposable.Dispose"/>.
    /// </summary>
    /// <param name="block">The rows, <see cref="AutoencoderArchitecture.InputSize"/> features each, all checked already.</param>
    void UseBlock(FeatureMatrix block);

    /// <summary>
    /// One optimizer step on a batch: the member's training loss of the given rows of the current block (with the input corruption, dropout,
    /// sampling and penalties that <see cref="TrainingOptions"/> ask for), its gradient clipped to <see cref="TrainingOptions.GradientClipNorm"/>
    /// when that is set, and one update by <see cref="TrainingOptions.Optimizer"/> at <paramref name="learningRate"/>.
    /// </summary>
    /// <param name="rows">Indices into the current block, at most <see cref="TrainingOptions.BatchSize"/> of them.</param>
    /// <param name="learningRate">The schedule's learning rate for this epoch.</param>
    /// <returns>
    /// The batch's mean loss before the update; or NaN when the loss or its gradient is not finite, in which case the step should leave the
    /// parameters as they were. NaN (or any non-finite value) stops the run as <see cref="TrainingStopReason.Diverged"/>.
    /// </returns>
    double Step(ReadOnlySpan<int> rows, float learningRate);

    /// <summary>
    /// The loss that validation monitors: the member's reconstruction loss without input corruption, dropout, sampling (a variational
    /// autoencoder decodes its latent mean but keeps its KL term) or code penalties, summed over the rows and divided by the number of terms:
    /// rows times features for a loss over values, rows for the variational autoencoder's per-row negative ELBO.
    /// </summary>
    /// <param name="data">The rows to evaluate: separate validation rows, or the block that <paramref name="rows"/> index.</param>
    /// <param name="rows">Which rows of <paramref name="data"/> to evaluate, or null for all of them.</param>
    /// <returns>The mean loss; the run treats a non-finite value as divergence.</returns>
    double Evaluate(FeatureMatrix data, int[]? rows);

    /// <summary>Whether every parameter is finite; checked at the end of each epoch, since only the next batch's loss would show the last update's damage.</summary>
    /// <returns>True when no parameter is NaN or infinite.</returns>
    bool ParametersAreFinite();

    /// <summary>Copies the current parameters into <paramref name="target"/>, in the engine's layout (<see cref="ParameterLayout"/>).</summary>
    /// <param name="target">At least <see cref="ParameterLayout.ParameterCount"/> values.</param>
    void CopyParametersTo(float[] target);

    /// <summary>Replaces the parameters with <paramref name="source"/>, in the engine's layout (<see cref="ParameterLayout"/>); the optimizer's state is kept.</summary>
    /// <param name="source">At least <see cref="ParameterLayout.ParameterCount"/> values.</param>
    void LoadParameters(float[] source);
}
