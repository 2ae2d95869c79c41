using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Models;

/// <summary>Files written by earlier format versions keep loading, with the outputs they gave when they were written.</summary>
[TestClass]
public sealed class ModelFileCompatibilityTests
{
    [TestMethod]
    public void Load_VersionOneFixture_GivesRecordedOutputs()
    {
        // Data/plain-v1.aemodel: a 12-9-3-7-12 tanh autoencoder saved at format version 1, before the autoencoder family
        // existed; Data/plain-v1.outputs.bin: its codes, reconstructions and scores of Gaussian(8, 12, seed 3) at that time.
        string directory = Path.Combine(AppContext.BaseDirectory, "Data");
        byte[] bytes = File.ReadAllBytes(Path.Combine(directory, "plain-v1.aemodel"));
        Assert.AreEqual(1, BitConverter.ToInt32(bytes, 4), "the fixture is not a version 1 file");
        AutoencoderModel model = AutoencoderModel.Load(new MemoryStream(bytes));
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(8, 12, seed: 3);

        float[] recorded = ReadFloats(Path.Combine(directory, "plain-v1.outputs.bin"));
        float[] actual = [.. model.Encode(data).Values, .. model.Reconstruct(data).Values, .. model.Score(data)];

        Assert.AreEqual(recorded.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            // Bit-identical on the machine that wrote it; other CPUs pick another GEMM kernel and round differently.
            Assert.AreEqual(recorded[i], actual[i], 1e-5f * (1f + Math.Abs(recorded[i])), $"output {i}");
        }
    }

    [TestMethod]
    public void Save_PlainModel_StillWritesVersionOne()
    {
        AutoencoderModel model = AutoencoderModel.Load(Path.Combine(AppContext.BaseDirectory, "Data", "plain-v1.aemodel"));
        var stream = new MemoryStream();
        model.Save(stream);

        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "plain-v1.aemodel")), stream.ToArray());
    }

    private static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
