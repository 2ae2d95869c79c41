using Microsoft.ML.Autoencoders.Backends;
using TorchSharp.Modules;
using TorchSharp;
using static Microsoft.ML.Autoencoders.Modules.TorchConstants;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// A variational autoencoder: the encoder gives a mean and a log-variance per latent dimension, z = mean + exp(logVariance / 2) * eps, the decoder
/// rebuilds the input from z. Loss per row: the reconstruction's negative log-likelihood (Bernoulli for a sigmoid output, a unit-variance Gaussian
/// otherwise) plus the KL weight times KL(q(z|x) || N(0, I)), averaged over rows.
/// </summary>
internal sealed class VariationalAutoencoder : AutoencoderModule
{
    private readonly ModuleList<Linear> encoder;
    private readonly ModuleList<Linear> decoder;
    private readonly AutoencoderArchitecture _architecture;
    private readonly TrainingOptions _options;
    private readonly bool _bernoulli;
    private readonly ParameterMapping[] _mappings;

    /// <param name="layout">The layout of a variational architecture.</param>
    /// <param name="options">The validated options: the KL weight.</param>
    public VariationalAutoencoder(ParameterLayout layout, TrainingOptions options)
        : base(nameof(VariationalAutoencoder))
    {
        _architecture = layout.Architecture;
        _options = options;
        _bernoulli = _architecture.OutputActivation == Activation.Sigmoid;
        (Linear[] all, _mappings) = ParameterMapping.DenseLayers(layout);
        encoder = new ModuleList<Linear>(all[..(layout.CodeLayerIndex + 1)]);
        decoder = new ModuleList<Linear>(all[(layout.CodeLayerIndex + 1)..]);
        RegisterComponents();
    }

    public override int TermsPerRow => 1;

    protected override IReadOnlyList<ParameterMapping> Mappings => _mappings;

    /// <summary>The reconstruction of <paramref name="x"/> decoded from its latent mean.</summary>
    public override Tensor forward(Tensor x) => ActivationFunctions.Apply(_architecture.OutputActivation, Decode(Encode(x).Mean));

    public override Tensor TrainingLoss(Tensor input, Tensor clean)
    {
        (Tensor mean, Tensor logVariance) = Encode(input);
        Tensor z = mean + (OneHalf * logVariance).exp() * randn_like(mean);
        using Scalar rows = clean.shape[0].ToScalar(); // kept alive while libtorch reads it (see TorchConstants)
        return NegativeElbo(Decode(z), clean, mean, logVariance) / rows;
    }

    public override Tensor EvaluationLoss(Tensor clean)
    {
        (Tensor mean, Tensor logVariance) = Encode(clean);
        return NegativeElbo(Decode(mean), clean, mean, logVariance);
    }

    private (Tensor Mean, Tensor LogVariance) Encode(Tensor x)
    {
        int last = encoder.Count - 1;
        for (int i = 0; i < last; i++)
        {
            x = ActivationFunctions.Apply(_architecture.HiddenActivation, encoder[i].forward(x));
        }

        Tensor head = encoder[last].forward(x);
        int latent = _architecture.CodeSize;
        return (head.narrow(1, 0, latent), head.narrow(1, latent, latent).clamp(LogVarianceFloor, LogVarianceCeiling));
    }

    /// <summary>The decoder's output pre-activation (logits for a Bernoulli decoder).</summary>
    private Tensor Decode(Tensor z)
    {
        int last = decoder.Count - 1;
        for (int i = 0; i < last; i++)
        {
            z = ActivationFunctions.Apply(_architecture.HiddenActivation, decoder[i].forward(z));
        }

        return decoder[last].forward(z);
    }

    /// <summary>The summed negative ELBO of the batch, with the KL term weighted.</summary>
    private Tensor NegativeElbo(Tensor logits, Tensor clean, Tensor mean, Tensor logVariance)
    {
        // Every number below is a Scalar made with using, or a TorchConstants one, so that it lives while libtorch reads it.
        using Scalar normalizer = (0.5 * Math.Log(2 * Math.PI) * clean.numel()).ToScalar(), klWeight = _options.KlWeight.ToScalar();
        Tensor reconstruction = _bernoulli
            ? binary_cross_entropy_with_logits(logits, clean, reduction: Reduction.Sum)
            : OneHalf * (ActivationFunctions.Apply(_architecture.OutputActivation, logits) - clean).square().sum() + normalizer;
        Tensor kl = OneHalf * (mean.square() + logVariance.exp() - One - logVariance).sum();
        return reconstruction + klWeight * kl;
    }
}
