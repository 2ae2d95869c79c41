namespace Microsoft.ML.Autoencoders.Training;

/// <summary>The rule for an estimator's <c>Backend</c> option, which the autoencoder and the fine-tuned classifier estimators share.</summary>
internal static class BackendOption
{
    /// <summary>Throws when <paramref name="backend"/> is null, naming the option and what to set instead.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="backend"/> is null.</exception>
    public static void Check(TrainingBackend? backend)
    {
        if (backend == null)
        {
            throw new ArgumentNullException("Backend", $"Backend is null; use {nameof(TrainingBackend)}.{nameof(TrainingBackend.Engine)} (the default) or another backend such as TorchSharpBackend.");
        }
    }
}
