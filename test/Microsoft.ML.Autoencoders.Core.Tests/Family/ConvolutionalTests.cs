using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Tests.Family;

/// <summary>Convolutional autoencoders: every layer gradient-checked inside whole networks, save and load, and learning real images.</summary>
[TestClass]
public sealed class ConvolutionalTests
{
    /// <summary>Two channels, strided convolution, max pooling, dense code, nearest upsampling and a transposed convolution.</summary>
    internal static readonly ConvolutionalLayout DenseCode = new(
        2, 6, 6, [new ConvolutionStage(3, 3, 2, 1), new ConvolutionStage(4, 3, 1, 1, Pool: 2)], 5,
        [new DecoderStage(4, 1, 1, 0, Upsample: 3), new DecoderStage(2, 4, 2, 1, Transposed: true)]);

    /// <summary>One channel, a feature-map code, upsampling and a plain convolution in the decoder.</summary>
    internal static readonly ConvolutionalLayout MapCode = new(
        1, 4, 4, [new ConvolutionStage(2, 3, 1, 1, Pool: 2)], 0, [new DecoderStage(1, 3, 1, 1, Upsample: 2)]);

    [TestMethod]
    public void Step_DenseCodeNetworkWithEveryLayerKind_MatchesFiniteDifferences() =>
        Check(AutoencoderArchitecture.Convolutional(DenseCode, Activation.Tanh, Activation.Identity, Activation.Sigmoid));

    [TestMethod]
    public void Step_FeatureMapCodeNetwork_MatchesFiniteDifferences() =>
        Check(AutoencoderArchitecture.Convolutional(MapCode, Activation.Elu, Activation.Tanh, Activation.Identity));

    [TestMethod]
    public void Convolutional_Shapes_GiveInputAndCodeSizes()
    {
        AutoencoderArchitecture dense = AutoencoderArchitecture.Convolutional(DenseCode);
        AutoencoderArchitecture map = AutoencoderArchitecture.Convolutional(MapCode);

        Assert.AreEqual(72, dense.InputSize);
        Assert.AreEqual(5, dense.CodeSize);
        Assert.AreEqual(16, map.InputSize);
        Assert.AreEqual(8, map.CodeSize, "2 x 2 x 2 feature map");
        var error = Assert.ThrowsExactly<ArgumentException>(() => AutoencoderArchitecture.Convolutional(MapCode with { Decoder = [new DecoderStage(1, 3, 1, 1)] }));
        StringAssert.Contains(error.Message, "input's shape");
    }

    [TestMethod]
    public void SaveLoad_ConvolutionalModel_GivesIdenticalOutputs()
    {
        var architecture = AutoencoderArchitecture.Convolutional(DenseCode, Activation.Relu, Activation.Identity, Activation.Sigmoid);
        FeatureMatrix data = Uniform(40, 72, seed: 3);
        AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 2, BatchSize = 16 }).Train(data).Model;
        var stream = new MemoryStream();
        model.Save(stream);

        AutoencoderModel loaded = AutoencoderModel.Load(new MemoryStream(stream.ToArray()));

        Assert.AreEqual(model.Architecture.ToString(), loaded.Architecture.ToString());
        CollectionAssert.AreEqual(model.Encode(data).Values.ToArray(), loaded.Encode(data).Values.ToArray());
        CollectionAssert.AreEqual(model.Reconstruct(data).Values.ToArray(), loaded.Reconstruct(data).Values.ToArray());
        CollectionAssert.AreEqual(model.Score(data), loaded.Score(data));
        CollectionAssert.AreEqual(model.Reconstruct(data).Values.ToArray(), model.Decode(model.Encode(data)).Values.ToArray());
    }

    [TestMethod]
    public void Train_SmallConvolutionalAutoencoder_BeatsDenseOneOfSameCodeSizeOnHeldOutImages()
    {
        FeatureMatrix train = FashionMnist.Read("train", 6000).Images;
        FeatureMatrix test = FashionMnist.Read("t10k", 1000).Images;
        var options = new TrainingOptions { Epochs = 5, BatchSize = 64, LearningRate = 2e-3f, Seed = 11 };
        var convolutional = AutoencoderArchitecture.Convolutional(Fashion(codeSize: 32));
        var dense = new AutoencoderArchitecture(784, [256], 32, null, Activation.Relu, Activation.Identity, Activation.Sigmoid);

        double convolutionalError = new AutoencoderTrainer(convolutional, options).Train(train).Model.Score(test).Average();
        double denseError = new AutoencoderTrainer(dense, options).Train(train).Model.Score(test).Average();

        Console.WriteLine($"held-out MSE after 5 epochs, code 32: convolutional {convolutionalError:F5}, dense {denseError:F5}");
        Assert.IsLessThan(denseError, convolutionalError);
    }

    /// <summary>1 x 28 x 28 -> 32 x 14 x 14 -> 64 x 7 x 7 -> dense code -> 64 x 7 x 7 -> 32 x 14 x 14 -> 1 x 28 x 28 (strided and transposed convolutions).</summary>
    internal static ConvolutionalLayout Fashion(int codeSize) => new(
        1, 28, 28, [new ConvolutionStage(32, 3, 2, 1), new ConvolutionStage(64, 3, 2, 1)], codeSize,
        [new DecoderStage(32, 4, 2, 1, Transposed: true), new DecoderStage(1, 4, 2, 1, Transposed: true)]);

    private static FeatureMatrix Uniform(int rows, int columns, int seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextFloat();
        }

        return new FeatureMatrix(values, columns);
    }

    [TestMethod]
    public void Initialize_GlorotAndHe_DrawConvolutionKernelsWithTheirOwnLimits()
    {
        // A 1-channel 3x3 convolution to 4 channels: fan-in 9, fan-out 4.
        var architecture = AutoencoderArchitecture.Convolutional(new ConvolutionalLayout(1, 6, 6, [new ConvolutionStage(4)], 0, [new DecoderStage(1)]));
        AutoencoderNetwork network = architecture.Network;
        float MaxKernelMagnitude(WeightInitialization initialization)
        {
            var parameters = new float[network.ParameterCount];
            network.Initialize(parameters, initialization, new SeededRandom(3));
            return parameters.AsSpan(0, 9 * 4).ToArray().Max(MathF.Abs);
        }

        float glorot = MaxKernelMagnitude(WeightInitialization.Glorot), he = MaxKernelMagnitude(WeightInitialization.He);
        Assert.IsLessThanOrEqualTo(MathF.Sqrt(6f / (9 + 4)), glorot);
        Assert.IsGreaterThan(MathF.Sqrt(6f / (9 + 4)), he, "He's limit sqrt(6 / 9) is wider, and 36 draws reach past Glorot's");
        Assert.IsLessThanOrEqualTo(MathF.Sqrt(6f / 9), he);
    }

    private static void Check(AutoencoderArchitecture architecture)
    {
        const int rows = 3;
        var random = new SeededRandom(5);
        AutoencoderNetwork network = architecture.Network;
        var parameters = new float[network.ParameterCount];
        network.Initialize(parameters, WeightInitialization.Auto, random);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += 0.1f * random.NextGaussian();
        }

        FeatureMatrix data = Uniform(rows, architecture.InputSize, seed: 6);
        var options = new TrainingOptions();
        var analytic = new float[parameters.Length];
        network.CreateTrainingPass(new TrainingPassSetup(options, new SeededRandom(1), rows, MissingValues: false, GuessRounds: 0)).Step(parameters, data.Values, data.Values, rows, analytic);

        const float step = 1e-3f;
        var scratch = new float[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            parameters[i] = original + step;
            double plus = network.CreateTrainingPass(new TrainingPassSetup(options, new SeededRandom(1), rows, MissingValues: false, GuessRounds: 0)).Step(parameters, data.Values, data.Values, rows, scratch);
            parameters[i] = original - step;
            double minus = network.CreateTrainingPass(new TrainingPassSetup(options, new SeededRandom(1), rows, MissingValues: false, GuessRounds: 0)).Step(parameters, data.Values, data.Values, rows, scratch);
            parameters[i] = original;
            double numeric = (plus - minus) / (2 * step);
            Assert.AreEqual(numeric, analytic[i], 1e-3 + 2e-2 * Math.Abs(numeric), $"dL/dparameter[{i}] of {architecture}");
        }
    }
}
