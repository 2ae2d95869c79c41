using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Family;

/// <summary>New members save as format version 2 and load back with identical outputs; options and architectures refuse bad values by name.</summary>
[TestClass]
public sealed class FamilyModelFileTests
{
    public static IEnumerable<object[]> Members() =>
    [
        ["variational", new AutoencoderArchitecture(12, [9], 3, [7], Activation.Tanh, Activation.Identity, Activation.Identity) { IsVariational = true }],
        ["winner-take-all", new AutoencoderArchitecture(12, [9], 6, [7], Activation.Tanh, Activation.Identity, Activation.Identity) { WinnerTakeAllK = 2 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Members))]
    public void SaveLoad_NewMember_WritesVersionTwoAndGivesIdenticalOutputs(string name, AutoencoderArchitecture architecture)
    {
        AutoencoderModel model = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 3 }).Train(AutoencoderTrainerTests.Gaussian(64, 12, seed: 1)).Model;
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(20, 12, seed: 2);
        var stream = new MemoryStream();
        model.Save(stream);
        byte[] bytes = stream.ToArray();

        AutoencoderModel loaded = AutoencoderModel.Load(new MemoryStream(bytes));

        Assert.AreEqual(2, BitConverter.ToInt32(bytes, 4), name);
        Assert.AreEqual(model.Architecture.ToString(), loaded.Architecture.ToString());
        Assert.AreEqual(architecture.IsVariational, loaded.IsVariational);
        Assert.AreEqual(architecture.WinnerTakeAllK, loaded.Architecture.WinnerTakeAllK);
        CollectionAssert.AreEqual(model.Encode(data).Values.ToArray(), loaded.Encode(data).Values.ToArray());
        CollectionAssert.AreEqual(model.Reconstruct(data).Values.ToArray(), loaded.Reconstruct(data).Values.ToArray());
        CollectionAssert.AreEqual(model.Score(data), loaded.Score(data));
    }

    [TestMethod]
    public void SamplePrior_PlainModel_ThrowsInvalidOperationNamingTheMethod()
    {
        AutoencoderModel model = new AutoencoderTrainer(new AutoencoderArchitecture(4, [], 2), new TrainingOptions { Epochs = 1 }).Train(AutoencoderTrainerTests.Gaussian(8, 4, seed: 1)).Model;

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.SamplePrior(3, seed: 1));

        StringAssert.Contains(error.Message, nameof(AutoencoderModel.SamplePrior));
    }

    [TestMethod]
    public void Validate_OutOfRangeFamilyOptions_ThrowNamingTheOption()
    {
        (TrainingOptions Options, string Name)[] cases =
        [
            (new TrainingOptions { Noise = NoiseKind.Masking, NoiseLevel = 1.5f }, nameof(TrainingOptions.NoiseLevel)),
            (new TrainingOptions { NoiseLevel = -1f }, nameof(TrainingOptions.NoiseLevel)),
            (new TrainingOptions { CodeL1Penalty = float.NaN }, nameof(TrainingOptions.CodeL1Penalty)),
            (new TrainingOptions { SparsityTarget = 1f }, nameof(TrainingOptions.SparsityTarget)),
            (new TrainingOptions { DropoutRate = 1f }, nameof(TrainingOptions.DropoutRate)),
            (new TrainingOptions { LifetimeSparsity = 2f }, nameof(TrainingOptions.LifetimeSparsity)),
            (new TrainingOptions { ContractivePenalty = -1f }, nameof(TrainingOptions.ContractivePenalty)),
            (new TrainingOptions { KlWeight = -1f }, nameof(TrainingOptions.KlWeight)),
        ];
        foreach ((TrainingOptions options, string name) in cases)
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate, name);
            Assert.AreEqual(name, error.ParamName);
        }
    }

    [TestMethod]
    public void Constructor_FamilyOptionsThatDoNotFitTheArchitecture_ThrowNamingTheOption()
    {
        var reluCode = new AutoencoderArchitecture(6, [], 3, null, Activation.Relu, Activation.Relu);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(reluCode, new TrainingOptions { SparsityPenalty = 1f })).Message, nameof(TrainingOptions.SparsityPenalty));
        var gelu = new AutoencoderArchitecture(6, [], 3, null, Activation.Relu, Activation.Gelu);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(gelu, new TrainingOptions { ContractivePenalty = 1f })).Message, nameof(TrainingOptions.ContractivePenalty));
        var variational = new AutoencoderArchitecture(6, [], 3) { IsVariational = true };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderTrainer(variational, new TrainingOptions { DropoutRate = 0.5f })).Message, nameof(TrainingOptions.DropoutRate));
        Assert.AreEqual(nameof(AutoencoderArchitecture.WinnerTakeAllK), Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AutoencoderArchitecture(6, [], 3) { WinnerTakeAllK = 4 }).ParamName);
        Assert.AreEqual(nameof(AutoencoderArchitecture.IsVariational), Assert.ThrowsExactly<ArgumentException>(() => new AutoencoderArchitecture(6, [], 3, null, Activation.Relu, Activation.Tanh) { IsVariational = true }).ParamName);
    }
}
