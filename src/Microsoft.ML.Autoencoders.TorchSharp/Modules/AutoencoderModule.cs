using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// A member of the autoencoder family as a TorchSharp module: <c>forward</c> maps rows of features to their reconstruction; the training loss
/// adds what the member is for (penalties, sampling, dropout); the parameters map one to one onto the engine's layout.
/// </summary>
internal abstract class AutoencoderModule(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>How many loss terms each row adds to <see cref="EvaluationLoss"/>: the features for a mean over values, 1 for a per-row loss.</summary>
    public abstract int TermsPerRow { get; }

    /// <summary>Each TorchSharp parameter with its place in the engine's parameter vector.</summary>
    protected abstract IReadOnlyList<ParameterMapping> Mappings { get; }

    /// <summary>The mean loss of a training batch: reconstruct <paramref name="clean"/> from <paramref name="input"/> (it, or a corrupted copy), with the member's penalties, dropout and sampling.</summary>
    public abstract Tensor TrainingLoss(Tensor input, Tensor clean);

    /// <summary>The summed loss of a batch as validation monitors it: no noise, dropout or sampling, no penalties.</summary>
    public abstract Tensor EvaluationLoss(Tensor clean);

    /// <summary>Sets every parameter from the engine's parameter vector.</summary>
    public void ImportParameters(float[] parameters)
    {
        foreach (ParameterMapping mapping in Mappings)
        {
            mapping.Import(parameters);
        }
    }

    /// <summary>Writes every parameter into the engine's parameter vector.</summary>
    public void ExportParameters(float[] parameters)
    {
        foreach (ParameterMapping mapping in Mappings)
        {
            mapping.Export(parameters);
        }
    }
}
