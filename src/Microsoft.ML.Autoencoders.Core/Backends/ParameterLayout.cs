using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Networks;

namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// The engine's flat parameter vector for an <see cref="AutoencoderArchitecture"/>, and the layers that read it: what a backend needs to map
/// the vector onto its own tensors and to run the same network. Part of the backend contract, version <see cref="TrainingBackend.ContractVersion"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Blocks"/> lists every parameter tensor in the order of its offset; together they cover [0, <see cref="ParameterCount"/>) exactly,
/// without gaps or overlap. Each block reads row-major in the engine's axis order, which <see cref="ParameterBlockKind"/> spells out.
/// </para>
/// <para>
/// <see cref="Layers"/> are the network's layers from the input to the reconstruction. A fully connected architecture is a chain of
/// <see cref="DenseLayerDescription"/>s. A convolutional one runs its layers on channels-last maps (<see cref="FeatureMapShape"/>): a row of
/// its input, and of its reconstruction, is channel-major (channels x height x width, as <see cref="ConvolutionalLayout"/> says), and the
/// engine reorders it to channels-last before the first layer and back after the last. A backend that runs channels-first needs neither
/// reorder, but must permute the blocks' axes (a dense bottleneck's map side included) into its own order.
/// </para>
/// </remarks>
public sealed class ParameterLayout
{
    /// <summary>Describes the parameters and layers of <paramref name="architecture"/>.</summary>
    /// <param name="architecture">The network.</param>
    public ParameterLayout(AutoencoderArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Architecture = architecture;
        AutoencoderNetwork network = architecture.Network;
        var layers = new List<LayerDescription>();
        CodeLayerIndex = Describe(network, architecture.Convolution, layers);
        ParameterCount = network.ParameterCount;
        Layers = layers;
        Blocks = layers.SelectMany(l => l.Parameters).ToArray();
    }

    /// <summary>The network described.</summary>
    public AutoencoderArchitecture Architecture { get; }

    /// <summary>How many values the flat parameter vector holds.</summary>
    public int ParameterCount { get; }

    /// <summary>The layers from the input to the reconstruction.</summary>
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>
    /// The index in <see cref="Layers"/> of the layer whose output is the code: the layers up to it form the encoder, the rest the decoder.
    /// A variational code layer outputs means, then log-variances (see <see cref="VariationalCode"/>); its successor reads
    /// <see cref="AutoencoderArchitecture.CodeSize"/> values.
    /// </summary>
    public int CodeLayerIndex { get; }

    /// <summary>Every parameter block of every layer, in the order of their offsets.</summary>
    public IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>
    /// Describes the network's layers into <paramref name="layers"/>, leaving out the channel reorders of a network on maps (one whose input is
    /// the <paramref name="layout"/>'s image); returns the code layer's index there.
    /// </summary>
    private static int Describe(AutoencoderNetwork network, ConvolutionalLayout? layout, List<LayerDescription> layers)
    {
        // The map the next layer reads, or null while the rows are flat.
        FeatureMapShape? map = layout is null ? null : new FeatureMapShape(layout.Height, layout.Width, layout.Channels);
        FeatureMapShape? flattened = null;
        int codeLayerIndex = -1;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            int index = layers.Count;
            switch (network.Layers[i])
            {
                case ChannelOrderLayer:
                    continue;
                case ConvolutionLayer convolution:
                    ConvolutionGeometry geometry = convolution.Geometry;
                    var convolved = new FeatureMapShape(geometry.OutputHeight, geometry.OutputWidth, convolution.OutputChannels);
                    layers.Add(new ConvolutionLayerDescription(
                        map!.Value, convolved, geometry.Kernel, geometry.Stride, geometry.Padding, isTransposed: false, convolution.Activation,
                        new ParameterBlock(ParameterBlockKind.ConvolutionKernel, index, convolution.ParameterOffset, [geometry.Kernel, geometry.Kernel, geometry.InputChannels, convolution.OutputChannels]),
                        new ParameterBlock(ParameterBlockKind.Bias, index, convolution.ParameterOffset + geometry.PatchSize * convolution.OutputChannels, [convolution.OutputChannels])));
                    map = convolved;
                    break;
                case TransposedConvolutionLayer transposed:
                    ConvolutionGeometry adjoint = transposed.Adjoint;
                    var grown = new FeatureMapShape(transposed.OutputHeight, transposed.OutputWidth, transposed.OutputChannels);
                    layers.Add(new ConvolutionLayerDescription(
                        map!.Value, grown, adjoint.Kernel, adjoint.Stride, adjoint.Padding, isTransposed: true, transposed.Activation,
                        new ParameterBlock(ParameterBlockKind.TransposedConvolutionKernel, index, transposed.ParameterOffset, [transposed.InputChannels, adjoint.Kernel, adjoint.Kernel, transposed.OutputChannels]),
                        new ParameterBlock(ParameterBlockKind.Bias, index, transposed.ParameterOffset + transposed.InputChannels * adjoint.PatchSize, [transposed.OutputChannels])));
                    map = grown;
                    break;
                case MaxPoolLayer pool:
                    var pooled = new FeatureMapShape(pool.OutputHeight, pool.OutputWidth, pool.Channels);
                    layers.Add(new MaxPoolLayerDescription(map!.Value, pooled, pool.Size));
                    map = pooled;
                    break;
                case UpsampleLayer upsample:
                    var upsampled = new FeatureMapShape(upsample.OutputHeight, upsample.OutputWidth, upsample.Channels);
                    layers.Add(new UpsampleLayerDescription(map!.Value, upsampled, upsample.Factor));
                    map = upsampled;
                    break;
                case DenseLayer dense when map is FeatureMapShape read && flattened == null:
                    // A dense code flattens the encoder's last map; the layer after it expands the code back into that map.
                    layers.Add(DenseLayerDescription.At(index, dense.InputSize, dense.OutputSize, read, null, dense.Activation, dense.ParameterOffset));
                    flattened = read;
                    break;
                case DenseLayer dense when flattened is FeatureMapShape expanded && i + 1 < network.Layers.Count && network.Layers[i + 1] is not DenseLayer:
                    layers.Add(DenseLayerDescription.At(index, dense.InputSize, dense.OutputSize, null, expanded, dense.Activation, dense.ParameterOffset));
                    flattened = null;
                    break;
                case DenseLayer dense:
                    layers.Add(DenseLayerDescription.At(index, dense.InputSize, dense.OutputSize, null, null, dense.Activation, dense.ParameterOffset));
                    break;
                case ITensorLayer other:
                    throw new NotSupportedException($"The engine's layer {other.GetType().Name} has no public description; contract version {TrainingBackend.ContractVersion} describes convolutions, transposed convolutions, max pooling, upsampling and dense layers.");
            }

            if (i == network.CodeLayer)
            {
                codeLayerIndex = index;
            }
        }

        return codeLayerIndex;
    }
}
