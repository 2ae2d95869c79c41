using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

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

    /// <summary>
    /// The parameters to optimize: the mappings' own handles. Some TorchSharp versions hand out a new handle on every access to a layer's weight,
    /// so the module takes each once and disposes of them with itself.
    /// </summary>
    public IEnumerable<Parameter> TrainableParameters => Mappings.Select(m => m.Parameter);

    /// <summary>The mean loss of a training batch: reconstruct <paramref name="clean"/> from <paramref name="input"/> (it, or a corrupted copy), with the member's penalties, dropout and sampling.</summary>
    public abstract Tensor TrainingLoss(Tensor input, Tensor clean);

    /// <summary>The summed loss of a batch as validation monitors it: no noise, dropout or sampling, no penalties.</summary>
    public abstract Tensor EvaluationLoss(Tensor clean);

    /// <summary>Sets every parameter from the engine's parameter vector.</summary>
    public void ImportParameters(ReadOnlySpan<float> parameters) => ParameterMapping.ImportAll(Mappings, parameters);

    /// <summary>Disposes of the parameter handles the mappings took, then of the module.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (ParameterMapping mapping in Mappings)
            {
                mapping.Parameter.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Writes every parameter into the engine's parameter vector.</summary>
    public void ExportParameters(float[] parameters) => ParameterMapping.ExportAll(Mappings, parameters);
}
