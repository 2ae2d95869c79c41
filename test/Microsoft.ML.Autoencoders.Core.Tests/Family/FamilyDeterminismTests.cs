using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Tests.Training;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Tests.Family;

/// <summary>Noise, dropout masks and VAE samples all come from the run's seeded generator: a seed reproduces a run, another seed changes it.</summary>
[TestClass]
public sealed class FamilyDeterminismTests
{
    public static IEnumerable<object[]> Members() =>
    [
        ["masking", new AutoencoderArchitecture(10, [8], 4), new TrainingOptions { Epochs = 3, BatchSize = 16, Noise = NoiseKind.Masking, NoiseLevel = 0.3f }],
        ["salt and pepper", new AutoencoderArchitecture(10, [8], 4), new TrainingOptions { Epochs = 3, BatchSize = 16, Noise = NoiseKind.SaltAndPepper, NoiseLevel = 0.3f }],
        ["dropout", new AutoencoderArchitecture(10, [8], 4), new TrainingOptions { Epochs = 3, BatchSize = 16, DropoutRate = 0.3f }],
        ["variational", new AutoencoderArchitecture(10, [8], 4) { IsVariational = true }, new TrainingOptions { Epochs = 3, BatchSize = 16 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Members))]
    public void Train_SameSeedTwice_GivesBitIdenticalWeights(string name, AutoencoderArchitecture architecture, TrainingOptions options)
    {
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(64, 10, seed: 1);
        var otherSeed = new TrainingOptions { Epochs = options.Epochs, BatchSize = options.BatchSize, Noise = options.Noise, NoiseLevel = options.NoiseLevel, DropoutRate = options.DropoutRate, Seed = 5 };

        float[] first = new AutoencoderTrainer(architecture, options).Train(data).Model.Parameters.ToArray();
        float[] second = new AutoencoderTrainer(architecture, options).Train(data).Model.Parameters.ToArray();
        float[] other = new AutoencoderTrainer(architecture, otherSeed).Train(data).Model.Parameters.ToArray();

        CollectionAssert.AreEqual(first, second, name);
        CollectionAssert.AreNotEqual(first, other, name);
    }

    [TestMethod]
    [DataRow(NoiseKind.Gaussian, 0.5f)]
    [DataRow(NoiseKind.Masking, 0.5f)]
    [DataRow(NoiseKind.SaltAndPepper, 0.5f)]
    public void Apply_TwoBatchesFromOneGenerator_DrawFreshNoiseOfTheRequestedStrength(NoiseKind kind, float level)
    {
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(200, 50, seed: 2);
        var corruption = new InputCorruption(kind, level, data, data.RowCount);
        var random = new SeededRandom(3);

        float[] first = corruption.Apply(data.Values, random).ToArray();
        float[] second = corruption.Apply(data.Values, random).ToArray();

        CollectionAssert.AreNotEqual(first, second);
        int changed = 0;
        for (int i = 0; i < first.Length; i++)
        {
            changed += first[i] != data.Values[i] ? 1 : 0;
        }

        double fraction = changed / (double)first.Length;
        Assert.AreEqual(kind == NoiseKind.Gaussian ? 1.0 : level, fraction, 0.03, $"{kind}: fraction of features changed");
    }
}
