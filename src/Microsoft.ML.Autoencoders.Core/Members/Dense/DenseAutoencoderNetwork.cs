using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The fully connected autoencoder, x -> f(x W1 + b1) -> ... -> code -> ... -> reconstruction, as a stack of <see cref="DenseLayer"/>s; the
/// plain, denoising, sparse and contractive autoencoders are this network trained by <see cref="DenseTrainingPass"/> with their options.
/// The variational and winner-take-all members build on it.
/// </summary>
internal class DenseAutoencoderNetwork : AutoencoderNetwork
{
    public DenseAutoencoderNetwork(AutoencoderArchitecture architecture)
        : this(architecture, architecture.CodeSize)
    {
    }

    /// <param name="architecture">The description.</param>
    /// <param name="codeLayerWidth">The code layer's outputs per row.</param>
    protected DenseAutoencoderNetwork(AutoencoderArchitecture architecture, int codeLayerWidth)
        : base(architecture, Stack(architecture, codeLayerWidth), architecture.EncoderLayerCount - 1)
    {
        DenseLayers = Layers.Cast<DenseLayer>().ToArray();
    }

    /// <summary>The layers as dense layers, for the passes that read their weights and pre-activations.</summary>
    public IReadOnlyList<DenseLayer> DenseLayers { get; }

    public override bool SupportsMissingValues => true;

    public override bool FitsFormatVersion1 => true;

    public override string? LayerwisePretrainingRefusal =>
        Architecture.EncoderHiddenSizes.Count == 0 ? "a network without encoder hidden layers, which is already one shallow autoencoder"
        : !Architecture.DecoderHiddenSizes.SequenceEqual(Architecture.EncoderHiddenSizes.Reverse()) ? "a network whose decoder does not mirror its encoder, so a shallow autoencoder's decoder has no layer to go to"
        : null;

    public override ITrainingPass CreateTrainingPass(TrainingPassSetup setup) => new DenseTrainingPass(this, setup);

    public override void CheckOptions(TrainingOptions options)
    {
        if (options.SparsityPenalty > 0f && Architecture.CodeActivation != Activation.Sigmoid)
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions.SparsityPenalty)} is a KL divergence between mean activations in (0, 1) and needs a {nameof(Activation.Sigmoid)} code activation, but the architecture's is {Architecture.CodeActivation}. Use {nameof(TrainingOptions.CodeL1Penalty)} for other codes.",
                nameof(TrainingOptions.SparsityPenalty));
        }

        if (options.ContractivePenalty > 0f)
        {
            for (int i = 0; i <= CodeLayer; i++)
            {
                if (!Losses.ContractivePenalty.Supports(DenseLayers[i].Activation))
                {
                    throw new ArgumentException($"{nameof(TrainingOptions.ContractivePenalty)} does not support the {DenseLayers[i].Activation} activation of encoder layer {i}; use another activation or set it to 0.", nameof(TrainingOptions.ContractivePenalty));
                }
            }
        }
    }

    /// <summary>
    /// While training, after the code layer's forward pass: zeroes the code values the member drops and the matching entries of
    /// <paramref name="mask"/> (1 where a value is kept), so their gradients are dropped too. The dense network drops none.
    /// </summary>
    public virtual void DropCodeValues(Span<float> code, int rows, Span<float> mask)
    {
    }

    /// <summary>Whether <see cref="DropCodeValues"/> drops anything, so that the pass keeps a code mask.</summary>
    public virtual bool DropsCodeValues => false;

    private static DenseLayer[] Stack(AutoencoderArchitecture architecture, int codeLayerWidth)
    {
        IReadOnlyList<int> sizes = architecture.LayerSizes;
        var layers = new DenseLayer[architecture.LayerCount];
        long offset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            int inputs = i == architecture.EncoderLayerCount ? architecture.CodeSize : sizes[i];
            int outputs = i == architecture.EncoderLayerCount - 1 ? codeLayerWidth : sizes[i + 1];
            if ((long)inputs * outputs + outputs + offset > Array.MaxLength)
            {
                throw new ArgumentException($"Dense layer {i} ({inputs} x {outputs}) takes the network past {Array.MaxLength} parameters, more than one array holds; use smaller layers.", nameof(architecture));
            }

            layers[i] = new DenseLayer(inputs, outputs, architecture.ActivationOf(i), (int)offset);
            offset += layers[i].ParameterCount;
        }

        return layers;
    }
}
