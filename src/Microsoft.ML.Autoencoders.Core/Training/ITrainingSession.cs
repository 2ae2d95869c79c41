namespace Microsoft.ML.Autoencoders.Training;

/// <summary>
/// The network, its parameters and its optimizer during one training run, on whichever backend: the <see cref="TrainingLoop"/> drives it
/// batch by batch and owns everything else (epochs, shuffles, validation, early stopping, divergence, progress).
/// </summary>
internal interface ITrainingSession : IDisposable
{
    /// <summary>Makes <paramref name="block"/> the rows that the following <see cref="Step"/> calls index.</summary>
    void UseBlock(FeatureMatrix block);

    /// <summary>One gradient step on the given rows of the current block; returns the batch's mean loss, or NaN when the step was refused as divergent.</summary>
    double Step(ReadOnlySpan<int> rows, float learningRate);

    /// <summary>The mean loss (without noise, dropout or sampling) over the given rows of <paramref name="data"/>, all rows when <paramref name="rows"/> is null.</summary>
    double Evaluate(FeatureMatrix data, int[]? rows);

    /// <summary>Whether every parameter is finite.</summary>
    bool ParametersAreFinite();

    /// <summary>Copies the parameters, in the engine's layout, into <paramref name="target"/>.</summary>
    void CopyParametersTo(float[] target);

    /// <summary>Replaces the parameters with <paramref name="source"/>, in the engine's layout.</summary>
    void LoadParameters(float[] source);
}
