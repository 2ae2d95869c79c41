using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The variational autoencoder: a dense network whose code layer outputs a mean and a log-variance per latent dimension (means first). Training
/// decodes a reparameterised sample (<see cref="VariationalTrainingPass"/>); inference decodes the mean, which is the code; the score is the
/// negative ELBO at the mean.
/// </summary>
internal sealed partial class VariationalNetwork(AutoencoderArchitecture architecture) : DenseAutoencoderNetwork(architecture, 2 * architecture.CodeSize)
{
    /// <summary>Whether the decoder is Bernoulli (sigmoid output) rather than a unit-variance Gaussian.</summary>
    public bool IsBernoulli => ReconstructionLikelihood.IsBernoulli(Architecture);

    public override int CodeLayerWidth => 2 * Architecture.CodeSize;

    public override int LatentWidth => Architecture.CodeSize;

    public override bool SupportsMissingValues => false;

    public override bool FitsFormatVersion1 => false;

    public override bool ScoresByReconstructionError => false;

    public override string? LayerwisePretrainingRefusal => "a variational network, whose code is a distribution rather than a layer's output";

    public override string ScoreDescription => "negative ELBO at the latent mean";

    protected override int FileFlags => Models.ModelFile.VariationalFlag;

    public override ITrainingPass CreateTrainingPass(TrainingPassSetup setup) => new VariationalTrainingPass(this, setup);

    public override void CheckOptions(TrainingOptions options)
    {
        (string Name, float Value)[] codeOptions =
        [
            (nameof(TrainingOptions.CodeL1Penalty), options.CodeL1Penalty), (nameof(TrainingOptions.SparsityPenalty), options.SparsityPenalty),
            (nameof(TrainingOptions.ContractivePenalty), options.ContractivePenalty), (nameof(TrainingOptions.DropoutRate), options.DropoutRate),
            (nameof(TrainingOptions.LifetimeSparsity), options.LifetimeSparsity),
        ];
        foreach ((string name, float value) in codeOptions)
        {
            if (value != 0f)
            {
                throw new ArgumentException($"{name} is {value}, but a variational autoencoder's code is regularized by its KL term ({nameof(TrainingOptions.KlWeight)}); set {name} to 0.", name);
            }
        }
    }

    /// <summary>The latent means: copied out of the code layer's output into the workspace's latent buffer, and into <paramref name="codes"/> when asked.</summary>
    protected override ReadOnlySpan<float> FinishCode(Span<float> output, int rows, Span<float> codes, NetworkWorkspace workspace)
    {
        int latent = Architecture.CodeSize;
        Span<float> means = workspace.Latent.AsSpan(0, rows * latent);
        for (int r = 0; r < rows; r++)
        {
            output.Slice(r * 2 * latent, latent).CopyTo(means.Slice(r * latent, latent));
        }

        if (!codes.IsEmpty)
        {
            means.CopyTo(codes);
        }

        return means;
    }

    /// <summary>The negative ELBO at the latent mean: the reconstruction's negative log-likelihood plus the KL divergence to the prior.</summary>
    public override void Score(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, NetworkWorkspace workspace, Span<float> scores)
    {
        int features = Architecture.InputSize;
        ReadOnlySpan<float> head = workspace.Outputs[CodeLayer];
        for (int r = 0; r < rows; r++)
        {
            double nll = ReconstructionLikelihood.Row(IsBernoulli, x.Slice(r * features, features), y.Slice(r * features, features));
            scores[r] = (float)(nll + GaussianKl.Row(head, r, Architecture.CodeSize));
        }
    }
}
