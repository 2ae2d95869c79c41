using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Tests.Backends;

/// <summary>The public parameter layout describes exactly the vector the engine trains and scores with, for every member of the family.</summary>
[TestClass]
public sealed class ParameterLayoutTests
{
    public static IEnumerable<object[]> Members =>
    [
        ["dense, asymmetric", new AutoencoderArchitecture(12, [9, 7], 4, [6], Activation.Gelu, Activation.Tanh, Activation.Sigmoid)],
        ["dense, no hidden layers", new AutoencoderArchitecture(12, [], 5)],
        ["variational", new AutoencoderArchitecture(12, [10], 3, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true }],
        ["winner-take-all", new AutoencoderArchitecture(12, [10], 6, null, Activation.Relu, Activation.Relu, Activation.Identity) { WinnerTakeAllK = 2 }],
        ["convolutional, dense code, transposed decoder", AutoencoderArchitecture.Convolutional(new ConvolutionalLayout(
            2, 6, 6, [new ConvolutionStage(3, 3, 2, 1), new ConvolutionStage(4, 3, 1, 1, Pool: 2)], 5,
            [new DecoderStage(4, 1, 1, 0, Upsample: 3), new DecoderStage(2, 4, 2, 1, Transposed: true)]), Activation.Relu, Activation.Tanh, Activation.Sigmoid)],
        ["convolutional, feature-map code", AutoencoderArchitecture.Convolutional(new ConvolutionalLayout(
            1, 4, 4, [new ConvolutionStage(2, 3, 1, 1, Pool: 2)], 0, [new DecoderStage(1, 3, 1, 1, Upsample: 2)]))],
        ["convolutional, transposed decoder only", AutoencoderArchitecture.Convolutional(new ConvolutionalLayout(
            1, 8, 8, [new ConvolutionStage(4, 3, 2, 1), new ConvolutionStage(8, 3, 2, 1)], 6,
            [new DecoderStage(4, 4, 2, 1, Transposed: true), new DecoderStage(1, 4, 2, 1, Transposed: true)]))],
    ];

    [TestMethod]
    [DynamicData(nameof(Members))]
    public void Blocks_CoverTheEnginesParameterVectorExactlyWithoutOverlap(string name, AutoencoderArchitecture architecture)
    {
        var layout = new ParameterLayout(architecture);
        int engineParameters = new AutoencoderTrainer(architecture).InitialParameters(new SeededRandom(1)).Length;

        Assert.AreEqual(engineParameters, layout.ParameterCount, name);
        int next = 0;
        foreach (ParameterBlock block in layout.Blocks)
        {
            Assert.AreEqual(next, block.Offset, $"{name}: {block} starts where the previous block ends");
            Assert.AreEqual(block.Shape.Aggregate(1, (a, b) => a * b), block.Length, $"{name}: {block}");
            Assert.IsGreaterThan(0, block.Length, $"{name}: {block}");
            CollectionAssert.Contains(layout.Layers[block.LayerIndex].Parameters.ToArray(), block, $"{name}: {block} belongs to its layer");
            next += block.Length;
        }

        Assert.AreEqual(layout.ParameterCount, next, $"{name}: the blocks end where the vector ends");
        Assert.AreEqual(layout.Blocks.Count, layout.Layers.Sum(l => l.Parameters.Count), $"{name}: every layer's blocks are listed");
    }

    [TestMethod]
    [DynamicData(nameof(Members))]
    public void Layers_ChainFromTheInputThroughTheCodeToTheReconstruction(string name, AutoencoderArchitecture architecture)
    {
        var layout = new ParameterLayout(architecture);
        IReadOnlyList<LayerDescription> layers = layout.Layers;
        LayerDescription code = layers[layout.CodeLayerIndex];

        Assert.AreEqual(architecture.InputSize, layers[0].InputSize, name);
        Assert.AreEqual(architecture.InputSize, layers[^1].OutputSize, name);
        Assert.AreEqual(architecture.IsVariational ? 2 * architecture.CodeSize : architecture.CodeSize, code.OutputSize, $"{name}: the code layer");
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            int expected = i == layout.CodeLayerIndex && architecture.IsVariational ? layers[i].OutputSize / 2 : layers[i].OutputSize;
            Assert.AreEqual(expected, layers[i + 1].InputSize, $"{name}: layer {i + 1} ({layers[i + 1]}) reads what layer {i} ({layers[i]}) writes");
            if (layers[i].OutputMap is FeatureMapShape written && layers[i + 1].InputMap is FeatureMapShape read)
            {
                Assert.AreEqual(written, read, $"{name}: layer {i + 1} reads the map layer {i} writes");
            }

            if (layers[i].OutputMap is FeatureMapShape map)
            {
                Assert.AreEqual(map.Size, layers[i].OutputSize, $"{name}: layer {i}'s map holds its outputs");
            }
        }

        if (architecture.Convolution is ConvolutionalLayout convolution)
        {
            Assert.AreEqual(new FeatureMapShape(convolution.Height, convolution.Width, convolution.Channels), layers[0].InputMap, $"{name}: the input, channels-last");
            Assert.AreEqual(layers[0].InputMap, layers[^1].OutputMap, $"{name}: the reconstruction has the input's shape");
        }
        else
        {
            Assert.IsTrue(layers.All(l => l is DenseLayerDescription { InputMap: null, OutputMap: null }), $"{name}: a dense network is a chain of dense layers on vectors");
            Assert.AreEqual(architecture.EncoderLayerCount - 1, layout.CodeLayerIndex, name);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Members))]
    public void LastBias_IsWhereTheEngineReadsTheReconstructionsBias(string name, AutoencoderArchitecture architecture)
    {
        // With every other parameter zero, the reconstruction is the output activation of the last layer's biases alone, channel-major for
        // images: this pins the last block's offset, and a convolution's bias axis, to what the engine computes.
        var layout = new ParameterLayout(architecture);
        var parameters = new float[layout.ParameterCount];
        ParameterBlock bias = layout.Blocks[^1];
        Assert.AreEqual(ParameterBlockKind.Bias, bias.Kind, name);
        for (int i = 0; i < bias.Length; i++)
        {
            parameters[bias.Offset + i] = 0.1f * (i + 1);
        }

        float[] reconstruction = new AutoencoderModel(architecture, parameters).Reconstruct(new FeatureMatrix(new float[architecture.InputSize], architecture.InputSize)).Values.ToArray();

        int perBias = architecture.InputSize / bias.Length;
        for (int v = 0; v < reconstruction.Length; v++)
        {
            float z = 0.1f * (v / perBias + 1);
            float expected = architecture.OutputActivation == Activation.Sigmoid ? 1f / (1f + MathF.Exp(-z)) : z;
            Assert.AreEqual(expected, reconstruction[v], 1e-6, $"{name}: value {v}");
        }
    }
}
