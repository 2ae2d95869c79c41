using Microsoft.ML.Autoencoders.Backends;
using TorchSharp;
using TorchSharp.Modules;
using static Microsoft.ML.Autoencoders.Modules.TorchConstants;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// A fully connected autoencoder, x -> f(x W1 + b1) -> ... -> code -> ... -> reconstruction, and the objectives of the members built on it:
/// denoising (the caller corrupts the input), dropout on hidden layers, an L1 or KL-sparsity penalty on the code, the contractive penalty, and a
/// winner-take-all code (k largest per row; lifetime sparsity over the batch while training).
/// </summary>
internal sealed class DenseAutoencoder : AutoencoderModule
{
    private readonly ModuleList<Linear> layers;
    private readonly AutoencoderArchitecture _architecture;
    private readonly TrainingOptions _options;
    private readonly int _codeLayer;
    private readonly ParameterMapping[] _mappings;

    /// <param name="layout">The layout of a fully connected architecture.</param>
    /// <param name="options">The validated options: loss, penalties, dropout and lifetime sparsity.</param>
    public DenseAutoencoder(ParameterLayout layout, TrainingOptions options)
        : base(nameof(DenseAutoencoder))
    {
        _architecture = layout.Architecture;
        _options = options;
        _codeLayer = layout.CodeLayerIndex;
        (Linear[] all, _mappings) = ParameterMapping.DenseLayers(layout);
        layers = new ModuleList<Linear>(all);
        RegisterComponents();
    }

    public override int TermsPerRow => _architecture.InputSize;

    protected override IReadOnlyList<ParameterMapping> Mappings => _mappings;

    /// <summary>The reconstruction of <paramref name="x"/>.</summary>
    public override Tensor forward(Tensor x) => ActivationFunctions.Apply(_architecture.OutputActivation, Run(x, training: false).Logits);

    public override Tensor TrainingLoss(Tensor input, Tensor clean)
    {
        (Tensor logits, List<Tensor> encoderOutputs) = Run(input, training: true);
        Tensor loss = Reconstruction(logits, clean, Reduction.Mean);
        Tensor code = encoderOutputs[_codeLayer];
        long rows = clean.shape[0];
        // Every number below is a Scalar made with using, which keeps it alive while libtorch reads it (see TorchConstants).
        if (_options.CodeL1Penalty > 0f)
        {
            using Scalar weight = (_options.CodeL1Penalty / rows).ToScalar();
            loss += weight * code.abs().sum();
        }

        if (_options.SparsityPenalty > 0f)
        {
            using Scalar target = _options.SparsityTarget.ToScalar(), complement = (1.0 - _options.SparsityTarget).ToScalar(), weight = _options.SparsityPenalty.ToScalar();
            Tensor rho = code.mean([0]).clamp(SparsityFloor, SparsityCeiling);
            loss += weight * (target * (target / rho).log() + complement * (complement / (One - rho)).log()).sum();
        }

        if (_options.ContractivePenalty > 0f)
        {
            // ||d y / d x||_F^2 of a dense layer y = f(x W + b) is sum_k f'(z_k)^2 sum_j W_jk^2 (exact for one layer; layer by layer for deeper encoders).
            for (int i = 0; i <= _codeLayer; i++)
            {
                Tensor slope = ActivationFunctions.Slope(_architecture.ActivationOf(i), encoderOutputs[i]);
                Tensor columnNorms = _mappings[2 * i].Parameter.square().sum([1]);
                using Scalar weight = (_options.ContractivePenalty / rows).ToScalar();
                loss += weight * (slope.square() * columnNorms).sum();
            }
        }

        return loss;
    }

    public override Tensor EvaluationLoss(Tensor clean) => Reconstruction(Run(clean, training: false).Logits, clean, Reduction.Sum);

    /// <summary>The output layer's pre-activation, and the encoder layers' outputs (the last is the code, after winner-take-all).</summary>
    private (Tensor Logits, List<Tensor> EncoderOutputs) Run(Tensor x, bool training)
    {
        var encoderOutputs = new List<Tensor>(_codeLayer + 1);
        int last = layers.Count - 1;
        for (int i = 0; i < last; i++)
        {
            x = ActivationFunctions.Apply(_architecture.ActivationOf(i), layers[i].forward(x));
            if (i == _codeLayer)
            {
                x = WinnerTakeAll(x, training);
            }

            if (i <= _codeLayer)
            {
                encoderOutputs.Add(x);
            }

            if (training && _options.DropoutRate > 0f && i != _codeLayer)
            {
                x = dropout(x, _options.DropoutRate, training: true);
            }
        }

        return (layers[last].forward(x), encoderOutputs);
    }

    /// <summary>Keeps each row's k largest code values and, while training with lifetime sparsity, each unit's largest values over the batch.</summary>
    private Tensor WinnerTakeAll(Tensor code, bool training)
    {
        if (_architecture.WinnerTakeAllK > 0)
        {
            Tensor winners = code.topk(_architecture.WinnerTakeAllK, dim: 1).indexes;
            code = code * zeros_like(code).scatter(1, winners, ones_like(code));
        }

        if (training && _options.LifetimeSparsity > 0f)
        {
            int keep = Math.Max(1, (int)MathF.Ceiling(_options.LifetimeSparsity * code.shape[0]));
            Tensor winners = code.topk(keep, dim: 0).indexes;
            code = code * zeros_like(code).scatter(0, winners, ones_like(code));
        }

        return code;
    }

    private Tensor Reconstruction(Tensor logits, Tensor clean, Reduction reduction) => _options.Loss == LossFunction.BinaryCrossEntropy
        ? binary_cross_entropy_with_logits(logits, clean, reduction: reduction)
        : mse_loss(ActivationFunctions.Apply(_architecture.OutputActivation, logits), clean, reduction);
}
