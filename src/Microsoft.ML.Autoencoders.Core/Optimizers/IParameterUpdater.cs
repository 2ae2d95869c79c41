namespace Microsoft.ML.Autoencoders.Optimizers;

/// <summary>One optimizer's state over a flat parameter vector.</summary>
internal interface IParameterUpdater
{
    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>, which it may overwrite.</summary>
    void Step(float[] parameters, float[] gradients, float learningRate);
}
