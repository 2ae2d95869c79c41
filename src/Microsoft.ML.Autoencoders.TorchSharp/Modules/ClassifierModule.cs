using Microsoft.ML.Autoencoders.Backends;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Autoencoders.Modules;

/// <summary>
/// A fine-tuned classifier as a TorchSharp module: the encoder's linear layers with their activations, then a linear head; <c>forward</c> gives
/// the logits. The encoder's and the head's parameters map onto their two engine vectors.
/// </summary>
internal sealed class ClassifierModule : Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> encoder;
    private readonly Linear head;
    private readonly Activation[] _activations;
    private readonly ClassifierHead _headKind;
    private readonly double _codeDropoutRate;
    private readonly ParameterMapping[] _encoderMappings;
    private readonly ParameterMapping[] _headMappings;

    /// <param name="request">The encoder's layers, the head, its kind and the code dropout rate.</param>
    public ClassifierModule(ClassifierSessionRequest request)
        : base(nameof(ClassifierModule))
    {
        (Linear[] layers, _encoderMappings) = ParameterMapping.DenseLayers(request.EncoderLayers);
        (Linear[] heads, _headMappings) = ParameterMapping.DenseLayers([request.Head]);
        encoder = new ModuleList<Linear>(layers);
        head = heads[0];
        _activations = request.EncoderLayers.Select(l => l.Activation).ToArray();
        _headKind = request.HeadKind;
        _codeDropoutRate = request.Options.CodeDropoutRate;
        RegisterComponents();
    }

    /// <summary>The encoder's parameter handles, which its optimizer updates.</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> EncoderParameters => _encoderMappings.Select(m => m.Parameter).ToArray();

    /// <summary>The head's parameter handles, which its optimizer updates.</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> HeadParameters => _headMappings.Select(m => m.Parameter).ToArray();

    /// <summary>The logits of rows <paramref name="x"/>.</summary>
    public override Tensor forward(Tensor x) => head.forward(Encode(x));

    /// <summary>
    /// The batch's mean cross-entropy against <paramref name="labels"/> (int64 classes for a softmax head, float 0 or 1 for a logistic one),
    /// with the code's inverted dropout; a frozen encoder (<paramref name="trainEncoder"/> false) runs without gradients.
    /// </summary>
    public Tensor TrainingLoss(Tensor input, Tensor labels, bool trainEncoder)
    {
        Tensor code;
        if (trainEncoder)
        {
            code = Encode(input);
        }
        else
        {
            using (no_grad())
            {
                code = Encode(input);
            }
        }

        if (_codeDropoutRate > 0)
        {
            code = dropout(code, _codeDropoutRate, training: true);
        }

        Tensor logits = head.forward(code);
        return _headKind == ClassifierHead.Logistic
            ? binary_cross_entropy_with_logits(logits.squeeze(1), labels)
            : cross_entropy(logits, labels);
    }

    /// <summary>Sets every parameter from the engine's two vectors.</summary>
    public void ImportParameters(ReadOnlySpan<float> encoderParameters, ReadOnlySpan<float> headParameters)
    {
        ParameterMapping.ImportAll(_encoderMappings, encoderParameters);
        ParameterMapping.ImportAll(_headMappings, headParameters);
    }

    /// <summary>Writes every parameter into the engine's two vectors.</summary>
    public void ExportParameters(float[] encoderParameters, float[] headParameters)
    {
        ParameterMapping.ExportAll(_encoderMappings, encoderParameters);
        ParameterMapping.ExportAll(_headMappings, headParameters);
    }

    /// <summary>Disposes of the parameter handles the mappings took, then of the module.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (ParameterMapping mapping in _encoderMappings.Concat(_headMappings))
            {
                mapping.Parameter.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private Tensor Encode(Tensor x)
    {
        for (int i = 0; i < encoder.Count; i++)
        {
            x = ActivationFunctions.Apply(_activations[i], encoder[i].forward(x));
        }

        return x;
    }
}
