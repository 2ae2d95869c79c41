using System.Buffers.Binary;
using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Models;

[TestClass]
public sealed class ModelFileTests
{
    private static readonly Lazy<AutoencoderModel> Trained = new(() =>
        new AutoencoderTrainer(new AutoencoderArchitecture(12, [9], 3, [7], Activation.Tanh, Activation.Identity, Activation.Identity), new TrainingOptions { Epochs = 3 })
            .Train(AutoencoderTrainerTests.Gaussian(64, 12, seed: 1)).Model);

    [TestMethod]
    public void SaveLoad_RoundTrip_GivesBitIdenticalOutputs()
    {
        AutoencoderModel model = Trained.Value;
        FeatureMatrix data = AutoencoderTrainerTests.Gaussian(50, 12, seed: 2);
        string path = Path.Combine(Path.GetTempPath(), $"ae-{Guid.NewGuid():N}.model");
        try
        {
            model.Save(path);
            AutoencoderModel loaded = AutoencoderModel.Load(path);

            Assert.AreEqual(model.Architecture.ToString(), loaded.Architecture.ToString());
            CollectionAssert.AreEqual(model.Parameters.ToArray(), loaded.Parameters.ToArray());
            CollectionAssert.AreEqual(model.Reconstruct(data).Values.ToArray(), loaded.Reconstruct(data).Values.ToArray());
            CollectionAssert.AreEqual(model.Encode(data).Values.ToArray(), loaded.Encode(data).Values.ToArray());
            CollectionAssert.AreEqual(model.Score(data), loaded.Score(data));
            Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*").Length, "a temporary file was left behind");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Load_NewerFormatVersion_IsRefusedByVersion()
    {
        byte[] bytes = Saved();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 99);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream(bytes)));

        StringAssert.Contains(error.Message, "format version 99");
    }

    [TestMethod]
    public void Load_FlippedPayloadBit_FailsTheChecksum()
    {
        byte[] bytes = Saved();
        bytes[40] ^= 0x10;

        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream(bytes)));

        StringAssert.Contains(error.Message, "checksum");
    }

    [TestMethod]
    public void Load_EveryTruncation_ThrowsInvalidData()
    {
        byte[] bytes = Saved();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream(bytes, 0, length)), $"truncated to {length} bytes");
        }
    }

    [TestMethod]
    public void Load_AbsurdPayloadLength_ThrowsWithoutAllocatingIt()
    {
        byte[] bytes = Saved();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), long.MaxValue / 2);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream(bytes)));

        StringAssert.Contains(error.Message, "more than the file holds");
    }

    [TestMethod]
    public void Load_NotAModelFile_SaysSo()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream("hello, world, this is text"u8.ToArray())));
        StringAssert.Contains(error.Message, "not an autoencoder model file");
    }

    private static byte[] Saved()
    {
        using var stream = new MemoryStream();
        Trained.Value.Save(stream);
        return stream.ToArray();
    }
}
