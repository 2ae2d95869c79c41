using Microsoft.ML.Autoencoders.Backends;
using Microsoft.ML.Autoencoders.Modules;
using Microsoft.ML.Autoencoders.Tests.Backends;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>The TorchSharp modules hold exactly the engine's parameters, and the engine reproduces their forward pass.</summary>
[TestClass]
public sealed class ParameterTransferTests
{
    /// <summary>Two channels, strided convolution, max pooling, dense code, nearest upsampling and a transposed convolution.</summary>
    internal static readonly ConvolutionalLayout DenseCode = new(
        2, 6, 6, [new ConvolutionStage(3, 3, 2, 1), new ConvolutionStage(4, 3, 1, 1, Pool: 2)], 5,
        [new DecoderStage(4, 1, 1, 0, Upsample: 3), new DecoderStage(2, 4, 2, 1, Transposed: true)]);

    /// <summary>One channel, a feature-map code, upsampling and a plain convolution in the decoder.</summary>
    internal static readonly ConvolutionalLayout MapCode = new(
        1, 4, 4, [new ConvolutionStage(2, 3, 1, 1, Pool: 2)], 0, [new DecoderStage(1, 3, 1, 1, Upsample: 2)]);

    public static IEnumerable<object[]> Architectures =>
    [
        ["dense, asymmetric, every activation kind", new AutoencoderArchitecture(12, [9, 7], 4, [6], Activation.Gelu, Activation.Tanh, Activation.Sigmoid)],
        ["dense, no hidden layers, leaky ReLU code", new AutoencoderArchitecture(12, [], 5, null, Activation.Elu, Activation.LeakyRelu, Activation.Identity)],
        ["winner-take-all", new AutoencoderArchitecture(12, [10], 6, null, Activation.Relu, Activation.Relu, Activation.Identity) { WinnerTakeAllK = 2 }],
        ["variational", new AutoencoderArchitecture(12, [10], 3, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true }],
        ["convolutional, dense code", AutoencoderArchitecture.Convolutional(DenseCode, Activation.Relu, Activation.Tanh, Activation.Sigmoid)],
        ["convolutional, feature-map code", AutoencoderArchitecture.Convolutional(MapCode, Activation.Elu, Activation.Identity, Activation.Identity)],
    ];

    [TestMethod]
    [DynamicData(nameof(Architectures))]
    public void ImportThenExport_GivesBackEveryParameterExactly(string name, AutoencoderArchitecture architecture)
    {
        float[] parameters = RandomParameters(architecture, seed: 1);
        using AutoencoderModule module = Create(architecture);

        module.ImportParameters(parameters);
        var exported = new float[parameters.Length];
        module.ExportParameters(exported);

        CollectionAssert.AreEqual(parameters, exported, name);
        Assert.AreEqual(parameters.Length, module.parameters().Sum(p => p.numel()), $"{name}: every TorchSharp parameter maps to the engine's and back");
    }

    [TestMethod]
    [DynamicData(nameof(Architectures))]
    public void EngineModel_ReproducesTheModulesForwardPass(string name, AutoencoderArchitecture architecture)
    {
        float[] parameters = RandomParameters(architecture, seed: 2);
        FeatureMatrix input = Uniform(9, architecture.InputSize, seed: 3);
        using AutoencoderModule module = Create(architecture);
        module.ImportParameters(parameters);
        module.eval();

        float[] expected;
        using (no_grad())
        {
            expected = module.forward(tensor(input.Values.ToArray(), [input.RowCount, input.ColumnCount])).data<float>().ToArray();
        }

        float[] actual = FixedParametersBackend.Model(architecture, parameters, input).Reconstruct(input).Values.ToArray();

        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5, $"{name}: value {i}");
        }
    }

    internal static AutoencoderModule Create(AutoencoderArchitecture architecture, TrainingOptions? options = null)
    {
        var layout = new ParameterLayout(architecture);
        return architecture.Convolution != null ? new ConvolutionalAutoencoder(layout)
            : architecture.IsVariational ? new VariationalAutoencoder(layout, options ?? new TrainingOptions())
            : new DenseAutoencoder(layout, options ?? new TrainingOptions());
    }

    /// <summary>
    /// Every parameter drawn uniformly, weights within +-sqrt(3 / fan-in) and biases within +-0.1 (not zero, so that every parameter's place
    /// is tested), which keeps activations in a useful range.
    /// </summary>
    private static float[] RandomParameters(AutoencoderArchitecture architecture, int seed)
    {
        var layout = new ParameterLayout(architecture);
        var random = new Random(seed);
        var parameters = new float[layout.ParameterCount];
        foreach (ParameterBlock block in layout.Blocks)
        {
            float limit = block.Kind switch
            {
                ParameterBlockKind.Bias => 0.1f,
                ParameterBlockKind.DenseWeights => MathF.Sqrt(3f / layout.Layers[block.LayerIndex].InputSize),
                _ => MathF.Sqrt(3f * block.Shape[^1] / block.Length), // a kernel's fan-in: all its values but the output channels'
            };
            for (int i = block.Offset; i < block.Offset + block.Length; i++)
            {
                parameters[i] = (2f * random.NextSingle() - 1f) * limit;
            }
        }

        return parameters;
    }

    internal static FeatureMatrix Uniform(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        return new FeatureMatrix(values, columns);
    }
}
