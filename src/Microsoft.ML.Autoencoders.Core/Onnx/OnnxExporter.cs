using System.Globalization;
using System.Reflection;
using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;

namespace Microsoft.ML.Autoencoders.Onnx;

/// <summary>
/// Writes a trained model as an ONNX graph (IR version 8, opset 17) that computes what <see cref="AutoencoderModel.Run"/> computes: the code
/// (with winner-take-all's TopK, or a variational autoencoder's latent mean), the reconstruction, the score (mean squared error, scaled by the
/// error scales, or the negative ELBO at the latent mean, in double precision as the engine sums it), the per-feature errors, the predicted label,
/// and the rule for unusable rows (NaN, infinity or magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>).
/// </summary>
internal sealed partial class OnnxExporter
{
    /// <summary>The ONNX IR version written: 8, which ONNX Runtime 1.31 and the ONNX 1.12 checker both accept.</summary>
    public const long IrVersion = 8;

    /// <summary>The operator set written: 17, the last in which the reductions other than ReduceSum take their axes as an attribute.</summary>
    public const long Opset = 17;

    /// <summary>The largest model the export writes: protocol buffers messages are limited to 2 GiB.</summary>
    private const long MaxParameterBytes = 2_000_000_000;

    private readonly AutoencoderModel _model;
    private readonly OnnxExportOptions _options;
    private readonly OnnxGraphBuilder _graph = new();

    private OnnxExporter(AutoencoderModel model, OnnxExportOptions options)
    {
        _model = model;
        _options = options;
    }

    /// <summary>Writes <paramref name="model"/>, whose network is <paramref name="network"/>, to <paramref name="stream"/>.</summary>
    public static void Write(AutoencoderModel model, AutoencoderNetwork network, ReadOnlySpan<float> errorWeights, OnnxExportOptions options, Stream stream)
    {
        options.Validate();
        if (model.Parameters.Length * 4L > MaxParameterBytes)
        {
            throw new InvalidOperationException(
                $"The model has {model.Parameters.Length:N0} parameters ({model.Parameters.Length * 4L:N0} bytes); an ONNX file holds at most {MaxParameterBytes:N0} bytes of weights in one protocol buffers message.");
        }

        var exporter = new OnnxExporter(model, options);
        ProtoMessage graph = exporter.Build(network, errorWeights);
        string version = typeof(AutoencoderModel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(AutoencoderModel).Assembly.GetName().Version?.ToString() ?? "unknown";
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("library_version", version),
            new("architecture", model.Architecture.ToString()),
            new("score", model.ErrorScales != null ? "mean scaled squared error" : network.ScoreDescription),
        };
        if (options.Threshold is float threshold)
        {
            metadata.Add(new("threshold", threshold.ToString("R", CultureInfo.InvariantCulture)));
        }

        ReadOnlyMemory<byte> bytes = OnnxProto.Model(IrVersion, Opset, "Microsoft.ML.Autoencoders", version, $"Autoencoder {model.Architecture}", graph, metadata).ToMemory();
        stream.Write(bytes.Span);
    }

    private ProtoMessage Build(AutoencoderNetwork network, ReadOnlySpan<float> errorWeights)
    {
        var outputs = _options.Outputs.ToDictionary(o => o.Role, o => o.Name);
        int n = _model.InputSize;
        string x = _options.InputName;
        if (_options.SingleRow)
        {
            _graph.Input(x, OnnxProto.FloatType, n);
            x = _graph.Add("Unsqueeze", [x, _graph.Int64s(0)]);
        }
        else
        {
            _graph.Input(x, OnnxProto.FloatType, OnnxGraphBuilder.Batch, n);
        }
        bool decode = outputs.Keys.Any(role => role != nameof(OnnxExportOptions.EncodedName));

        (string code, string codeLayerOutput, string? reconstruction) = Layers(network, x, decode);

        if (outputs.TryGetValue(nameof(OnnxExportOptions.EncodedName), out string? encodedName))
        {
            Output(encodedName, code, OnnxProto.FloatType, _model.CodeSize);
        }

        if (outputs.TryGetValue(nameof(OnnxExportOptions.ReconstructionName), out string? reconstructionName))
        {
            Output(reconstructionName, reconstruction!, OnnxProto.FloatType, n);
        }

        bool score = outputs.ContainsKey(nameof(OnnxExportOptions.ScoreName)) || outputs.ContainsKey(nameof(OnnxExportOptions.PredictedLabelName));
        if (score || outputs.ContainsKey(nameof(OnnxExportOptions.FeatureErrorsName)))
        {
            Scoring(network, x, reconstruction!, codeLayerOutput, errorWeights, outputs);
        }

        return _graph.ToGraph("autoencoder");
    }

    /// <summary>Declares an output of shape [batch, <paramref name="size"/>] or [batch], or, for a single row, [<paramref name="size"/>] or [1].</summary>
    private void Output(string name, string value, int elementType, params int[] size)
    {
        if (_options.SingleRow && size.Length == 0)
        {
            _graph.Output(name, value, elementType, 1);
        }
        else if (_options.SingleRow)
        {
            _graph.Output(name, _graph.Add("Squeeze", [value, _graph.Int64s(0)]), elementType, size.Cast<object>().ToArray());
        }
        else
        {
            _graph.Output(name, value, elementType, [OnnxGraphBuilder.Batch, .. size.Cast<object>()]);
        }
    }

    /// <summary>The engine's activations, each as its kernel defines it (GELU in its tanh form, which opset 17 has no operator for).</summary>
    private string Activate(string x, Activation activation)
    {
        switch (activation)
        {
            case Activation.Identity:
                return x;
            case Activation.Relu:
                return _graph.Add("Relu", [x]);
            case Activation.LeakyRelu:
                return _graph.Add("LeakyRelu", [x], OnnxProto.FloatAttribute("alpha", ActivationKernels.LeakySlope));
            case Activation.Elu:
                return _graph.Add("Elu", [x], OnnxProto.FloatAttribute("alpha", 1f));
            case Activation.Tanh:
                return _graph.Add("Tanh", [x]);
            case Activation.Sigmoid when _options.ApproximateSigmoid:
                return _graph.Add("Sigmoid", [x]);
            case Activation.Sigmoid:
                // 1 / (1 + exp(-x)) rather than ONNX Runtime's Sigmoid, whose approximation was off by up to 4e-7 absolute in our tests: far beyond 1e-5 relative
                // on the small outputs of a sparse sigmoid code.
                return _graph.Add("Reciprocal", [_graph.Add("Add", [_graph.Add("Exp", [_graph.Add("Neg", [x])]), _graph.Float(1f)])]);
            case Activation.Gelu:
                // 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2))), in the engine's order of operations.
                string t = _graph.Add("Mul", [x, x]);
                t = _graph.Add("Mul", [t, _graph.Float(ActivationKernels.GeluCubic)]);
                t = _graph.Add("Add", [t, _graph.Float(1f)]);
                t = _graph.Add("Mul", [t, x]);
                t = _graph.Add("Mul", [t, _graph.Float(ActivationKernels.GeluScale)]);
                t = _graph.Add("Tanh", [t]);
                t = _graph.Add("Add", [t, _graph.Float(1f)]);
                t = _graph.Add("Mul", [t, _graph.Float(0.5f)]);
                return _graph.Add("Mul", [x, t]);
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, $"The activation {activation} has no ONNX form; expected one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        }
    }

    /// <summary>Score, feature errors and predicted label, with the unusable-row rule, as <see cref="AutoencoderModel.Score(ReadOnlySpan{float}, Span{float}, Span{float})"/> defines them.</summary>
    private void Scoring(AutoencoderNetwork network, string x, string y, string codeLayerOutput, ReadOnlySpan<float> errorWeights, Dictionary<string, string> outputs)
    {
        int n = _model.InputSize;
        string difference = _graph.Add("Sub", [x, y]);
        string errors = _graph.Add("Mul", [difference, difference]);
        if (!errorWeights.IsEmpty)
        {
            errors = _graph.Add("Mul", [errors, _graph.Floats(errorWeights, n)]);
        }

        string score = network.ExportScore(_graph, x, y, codeLayerOutput)
            ?? _graph.Add("Div", [_graph.Add("ReduceSum", [errors, _graph.Int64s(1)], OnnxProto.IntAttribute("keepdims", 0)), _graph.Float(n)]);

        // Unusable rows: NaN, or a magnitude above MaxMagnitude (infinities included).
        string bad = _graph.Add("Or", [_graph.Add("IsNaN", [x]), _graph.Add("Greater", [_graph.Add("Abs", [x]), _graph.Float(FeatureMatrix.MaxMagnitude)])]);
        string badRow = _graph.Add("Cast", [_graph.Add("ReduceMax", [_graph.Add("Cast", [bad], OnnxProto.IntAttribute("to", OnnxProto.FloatType))], OnnxProto.IntsAttribute("axes", 1), OnnxProto.IntAttribute("keepdims", 1))],
            OnnxProto.IntAttribute("to", OnnxProto.BoolType));
        bool scoreAsked = outputs.TryGetValue(nameof(OnnxExportOptions.ScoreName), out string? scoreName);
        bool labelAsked = outputs.TryGetValue(nameof(OnnxExportOptions.PredictedLabelName), out string? labelName);
        if (scoreAsked || labelAsked)
        {
            // A NaN or infinite score (an overflow) saturates too: Less(NaN, +inf) is false.
            string unusable = _graph.Add("Or", [_graph.Add("Squeeze", [badRow, _graph.Int64s(1)]), _graph.Add("Not", [_graph.Add("Less", [score, _graph.Float(float.PositiveInfinity)])])]);
            score = _graph.Add("Where", [unusable, _graph.Float(AutoencoderModel.UnusableRowScore), score]);
            if (scoreAsked)
            {
                Output(scoreName!, score, OnnxProto.FloatType);
            }

            if (labelAsked)
            {
                Output(labelName!, _graph.Add("Greater", [score, _graph.Float(_options.Threshold!.Value)]), OnnxProto.BoolType);
            }
        }

        if (outputs.TryGetValue(nameof(OnnxExportOptions.FeatureErrorsName), out string? errorsName))
        {
            string marks = _graph.Add("Where", [bad, _graph.Float(float.PositiveInfinity), _graph.Float(float.NaN)]);
            Output(errorsName, _graph.Add("Where", [badRow, marks, errors]), OnnxProto.FloatType, n);
        }
    }
}
