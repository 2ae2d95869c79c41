using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Networks;

namespace Microsoft.ML.Autoencoders.Onnx;

/// <summary>
/// The layer stack in ONNX: dense rows as Gemm, maps in ONNX's native NCHW layout. The engine runs maps channels-last; its kernels are reordered
/// here so that the graph needs no transposes but one for a feature-map code, which the engine hands out channels-last.
/// </summary>
internal sealed partial class OnnxExporter
{
    /// <summary>Returns the code, the code layer's output and the reconstruction (when decoding) of <paramref name="network"/>.</summary>
    private (string Code, string CodeLayerOutput, string? Reconstruction) Layers(AutoencoderNetwork network, string x, bool decode)
    {
        ReadOnlySpan<float> parameters = _model.Parameters;
        AutoencoderArchitecture architecture = _model.Architecture;
        ConvolutionalLayout? layout = architecture.Convolution;
        int c = layout?.Channels ?? 0, h = layout?.Height ?? 0, w = layout?.Width ?? 0;

        // Rows arrive flat; a stack that starts on maps reads them as NCHW, which channel-major rows already are.
        bool flat = network.Layers[0] is DenseLayer;
        string value = flat ? x : _graph.Add("Reshape", [x, _graph.Int64s(-1, c, h, w)]);
        string code = value, codeLayerOutput = value;
        int end = decode ? network.Layers.Count : network.CodeLayer + 1;
        for (int i = 0; i < end; i++)
        {
            switch (network.Layers[i])
            {
                case ChannelOrderLayer:
                    // Data arrives channel-major, which is NCHW already.
                    break;
                case ConvolutionLayer convolution:
                    value = Convolution(convolution, value, parameters);
                    (h, w, c) = (convolution.Geometry.OutputHeight, convolution.Geometry.OutputWidth, convolution.OutputChannels);
                    break;
                case MaxPoolLayer pool:
                    value = _graph.Add("MaxPool", [value], OnnxProto.IntsAttribute("kernel_shape", pool.Size, pool.Size), OnnxProto.IntsAttribute("strides", pool.Size, pool.Size));
                    (h, w) = (pool.OutputHeight, pool.OutputWidth);
                    break;
                case UpsampleLayer upsample:
                    // Output (y, x) reads input (floor(y / f), floor(x / f)): nearest neighbour with asymmetric coordinates and floor.
                    value = _graph.Add("Resize", [value, "", _graph.Floats([1f, 1f, upsample.Factor, upsample.Factor], 4)],
                        OnnxProto.StringAttribute("mode", "nearest"), OnnxProto.StringAttribute("coordinate_transformation_mode", "asymmetric"), OnnxProto.StringAttribute("nearest_mode", "floor"));
                    (h, w) = (upsample.OutputHeight, upsample.OutputWidth);
                    break;
                case TransposedConvolutionLayer transposed:
                    value = TransposedConvolution(transposed, value, parameters);
                    (h, w, c) = (transposed.OutputHeight, transposed.OutputWidth, transposed.OutputChannels);
                    break;
                case DenseLayer dense when !flat:
                    // Map to code: the engine flattens (y, x, channel); ONNX's Flatten gives (channel, y, x). Reorder the weight rows to match.
                    value = _graph.Add("Flatten", [value], OnnxProto.IntAttribute("axis", 1));
                    value = DenseOnMap(dense, value, parameters, c, h, w, mapIsInput: true);
                    flat = true;
                    break;
                case DenseLayer dense when i + 1 < network.Layers.Count && network.Layers[i + 1] is not DenseLayer:
                    // Code to map: reorder the weight columns and the bias from (y, x, channel) to (channel, y, x).
                    value = DenseOnMap(dense, value, parameters, c, h, w, mapIsInput: false);
                    value = _graph.Add("Reshape", [value, _graph.Int64s(-1, c, h, w)]);
                    flat = false;
                    break;
                case DenseLayer dense:
                    string weights = _graph.Floats(dense.Weights(parameters), dense.InputSize, dense.OutputSize);
                    string bias = _graph.Floats(dense.Bias(parameters), dense.OutputSize);
                    value = Activate(_graph.Add("Gemm", [value, weights, bias]), dense.Activation);
                    break;
                default:
                    throw new InvalidOperationException($"The layer {network.Layers[i].GetType().Name} of {architecture} has no ONNX form.");
            }

            if (i == network.CodeLayer)
            {
                codeLayerOutput = value;
                value = network.ExportCode(_graph, value);

                // The engine's feature-map code is channels-last.
                code = flat ? value : _graph.Add("Reshape", [_graph.Add("Transpose", [value], OnnxProto.IntsAttribute("perm", 0, 2, 3, 1)), _graph.Int64s(-1, h * w * c)]);
            }
        }

        string? reconstruction = !decode ? null : flat ? value : _graph.Add("Reshape", [value, _graph.Int64s(-1, architecture.InputSize)]);
        return (code, codeLayerOutput, reconstruction);
    }

    /// <summary>Conv with the engine's kernel matrix (patch (ky, kx, input channel) x output channel) as ONNX's [out, in, ky, kx] weights.</summary>
    private string Convolution(ConvolutionLayer layer, string x, ReadOnlySpan<float> parameters)
    {
        ConvolutionGeometry g = layer.Geometry;
        int k = g.Kernel, inputs = g.InputChannels, outputs = layer.OutputChannels;
        ReadOnlySpan<float> kernel = parameters.Slice(layer.ParameterOffset, g.PatchSize * outputs);
        var weights = new float[outputs * inputs * k * k];
        for (int o = 0; o < outputs; o++)
        {
            for (int ci = 0; ci < inputs; ci++)
            {
                for (int ky = 0; ky < k; ky++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        weights[((o * inputs + ci) * k + ky) * k + kx] = kernel[((ky * k + kx) * inputs + ci) * outputs + o];
                    }
                }
            }
        }

        string bias = _graph.Floats(parameters.Slice(layer.ParameterOffset + g.PatchSize * outputs, outputs), outputs);
        string y = _graph.Add("Conv", [x, _graph.Floats(weights, outputs, inputs, k, k), bias],
            OnnxProto.IntsAttribute("kernel_shape", k, k), OnnxProto.IntsAttribute("strides", g.Stride, g.Stride), OnnxProto.IntsAttribute("pads", g.Padding, g.Padding, g.Padding, g.Padding));
        return Activate(y, layer.Activation);
    }

    /// <summary>ConvTranspose with the engine's matrix (input channel x (ky, kx, output channel)) as ONNX's [in, out, ky, kx] weights.</summary>
    private string TransposedConvolution(TransposedConvolutionLayer layer, string x, ReadOnlySpan<float> parameters)
    {
        ConvolutionGeometry g = layer.Adjoint;
        int k = g.Kernel, inputs = layer.InputChannels, outputs = layer.OutputChannels;
        ReadOnlySpan<float> kernel = parameters.Slice(layer.ParameterOffset, inputs * g.PatchSize);
        var weights = new float[inputs * outputs * k * k];
        for (int ci = 0; ci < inputs; ci++)
        {
            for (int o = 0; o < outputs; o++)
            {
                for (int ky = 0; ky < k; ky++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        weights[((ci * outputs + o) * k + ky) * k + kx] = kernel[ci * g.PatchSize + (ky * k + kx) * outputs + o];
                    }
                }
            }
        }

        string bias = _graph.Floats(parameters.Slice(layer.ParameterOffset + inputs * g.PatchSize, outputs), outputs);
        string y = _graph.Add("ConvTranspose", [x, _graph.Floats(weights, inputs, outputs, k, k), bias],
            OnnxProto.IntsAttribute("kernel_shape", k, k), OnnxProto.IntsAttribute("strides", g.Stride, g.Stride), OnnxProto.IntsAttribute("pads", g.Padding, g.Padding, g.Padding, g.Padding));
        return Activate(y, layer.Activation);
    }

    /// <summary>
    /// A dense bottleneck layer whose input (<paramref name="mapIsInput"/>) or output is a c x h x w map, with that side's index reordered from the
    /// engine's (y, x, channel) to ONNX's (channel, y, x).
    /// </summary>
    private string DenseOnMap(DenseLayer layer, string x, ReadOnlySpan<float> parameters, int c, int h, int w, bool mapIsInput)
    {
        int inputs = layer.InputSize, outputs = layer.OutputSize;
        ReadOnlySpan<float> matrix = parameters.Slice(layer.ParameterOffset, inputs * outputs);
        ReadOnlySpan<float> bias = parameters.Slice(layer.ParameterOffset + inputs * outputs, outputs);
        var weights = new float[inputs * outputs];
        var reorderedBias = new float[outputs];
        int Onnx(int engineIndex) => engineIndex % c * h * w + engineIndex / c;
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                int row = mapIsInput ? Onnx(i) : i, column = mapIsInput ? o : Onnx(o);
                weights[row * outputs + column] = matrix[i * outputs + o];
            }
        }

        for (int o = 0; o < outputs; o++)
        {
            reorderedBias[mapIsInput ? o : Onnx(o)] = bias[o];
        }

        return Activate(_graph.Add("Gemm", [x, _graph.Floats(weights, inputs, outputs), _graph.Floats(reorderedBias, outputs)]), layer.Activation);
    }
}
