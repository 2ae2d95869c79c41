using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using Microsoft.ML.Autoencoders.Tests.Training;

namespace Microsoft.ML.Autoencoders.Tests.Reliability;

/// <summary>
/// Issue 7, damaged model files: 10,000 mutated copies of a saved model (bit flips, truncations at every length class,
/// swapped sections, absurd length fields, appended bytes, and structural edits re-signed with a valid checksum so
/// that they reach the parser) each either load with outputs bit-identical to the original or throw
/// <see cref="InvalidDataException"/>, in bounded time and memory.
/// </summary>
[TestClass]
public sealed class ModelFileFuzzTests
{
    private const int HeaderSize = 24;
    private const int Mutations = 10_000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Load_TenThousandMutatedFiles_OnlyInvalidDataOrIdenticalOutputs() =>
        Fuzz(new AutoencoderArchitecture(32, [16], 8, null, Activation.Tanh, Activation.Identity, Activation.Identity), Mutations, expectedVersion: 1);

    [TestMethod]
    public void Load_MutatedVersionTwoFiles_OnlyInvalidDataOrIdenticalOutputs()
    {
        Fuzz(new AutoencoderArchitecture(32, [16], 8, null, Activation.Tanh, Activation.Identity, Activation.Identity) { IsVariational = true }, Mutations / 2, expectedVersion: 2);
        Fuzz(new AutoencoderArchitecture(32, [16], 8, null, Activation.Tanh, Activation.Relu, Activation.Identity) { WinnerTakeAllK = 3 }, Mutations / 2, expectedVersion: 2);
    }

    /// <summary>32 channels, so the parameters (not the fixed ~10 KB of building a layer stack) dominate what a load allocates.</summary>
    [TestMethod]
    public void Load_MutatedConvolutionalFiles_OnlyInvalidDataOrIdenticalOutputs() =>
        Fuzz(
            AutoencoderArchitecture.Convolutional(
                new ConvolutionalLayout(1, 4, 8, [new ConvolutionStage(32, 3, 1, 1, Pool: 2)], 0, [new DecoderStage(1, 3, 1, 1, Upsample: 2)]),
                Activation.Tanh, Activation.Identity, Activation.Identity),
            Mutations / 2,
            expectedVersion: 2);

    [TestMethod]
    public void Load_MutatedVersionThreeFiles_OnlyInvalidDataOrIdenticalOutputs() =>
        Fuzz(new AutoencoderArchitecture(32, [16], 8, null, Activation.Tanh, Activation.Identity, Activation.Identity), Mutations / 2, expectedVersion: 3, errorScales: true);

    [TestMethod]
    public void Load_MutatedVersionFourFiles_OnlyInvalidDataOrIdenticalOutputs() =>
        Fuzz(new AutoencoderArchitecture(32, [16], 8, null, Activation.Tanh, Activation.Identity, Activation.Identity), Mutations / 2, expectedVersion: 4, errorScales: true, codeNeighbours: true);

    private void Fuzz(AutoencoderArchitecture architecture, int mutations, int expectedVersion, bool errorScales = false, bool codeNeighbours = false)
    {
        FeatureMatrix training = AutoencoderTrainerTests.Gaussian(64, 32, seed: 31);
        AutoencoderModel original = new AutoencoderTrainer(architecture, new TrainingOptions { Epochs = 2, Seed = 1 }).Train(training).Model;
        if (errorScales)
        {
            original = original.WithErrorScales(training);
        }

        if (codeNeighbours)
        {
            original = original.WithCodeNeighbours(training, neighbourCount: 5);
        }

        using var saved = new MemoryStream();
        original.Save(saved);
        byte[] file = saved.ToArray();
        Assert.AreEqual(expectedVersion, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(4)));
        FeatureMatrix probe = AutoencoderTrainerTests.Gaussian(20, 32, seed: 32);
        float[] expectedReconstruction = original.Reconstruct(probe).Values.ToArray();
        float[] expectedCodes = original.Encode(probe).Values.ToArray();
        float[] expectedScores = original.Score(probe);

        // Warm up the load path so that the JIT's own allocations are not charged to the first mutation.
        for (int i = 0; i < 20; i++)
        {
            _ = AutoencoderModel.Load(new MemoryStream(file));
        }

        var random = new Random(7);
        int refused = 0, identical = 0, resignedLoaded = 0;
        long maxAllocated = 0;
        string maxAllocatedBy = "";
        double maxLoadMs = 0;
        var counts = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int m = 0; m < mutations; m++)
        {
            (byte[] mutated, string kind, bool resigned) = Mutate(file, m, random);
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            Stream stream = m % 5 == 4 ? new NonSeekableStream(mutated) : new MemoryStream(mutated);

            long before = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            AutoencoderModel? loaded = null;
            try
            {
                loaded = AutoencoderModel.Load(stream);
            }
            catch (InvalidDataException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Mutation {m} ({kind}) threw {e.GetType().Name}, not InvalidDataException: {e}");
            }

            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > maxAllocated)
            {
                maxAllocated = allocated;
                maxAllocatedBy = kind;
            }

            maxLoadMs = Math.Max(maxLoadMs, ms);
            if (loaded == null)
            {
                continue;
            }

            if (resigned)
            {
                // A structural edit re-signed with a valid checksum is a different, well-formed model: it must at least be usable.
                resignedLoaded++;
                loaded.Reconstruct(new FeatureMatrix(new float[loaded.InputSize * 2], loaded.InputSize));
                loaded.Score(new FeatureMatrix(new float[loaded.InputSize * 2], loaded.InputSize));
                continue;
            }

            // Unsigned damage that still loads must be harmless (e.g. bytes appended after the payload): outputs bit-identical.
            Assert.AreEqual(original.Architecture.ToString(), loaded.Architecture.ToString(), $"mutation {m} ({kind})");
            CollectionAssert.AreEqual(expectedReconstruction, loaded.Reconstruct(probe).Values.ToArray(), $"mutation {m} ({kind}) changed the outputs silently");
            CollectionAssert.AreEqual(expectedCodes, loaded.Encode(probe).Values.ToArray(), $"mutation {m} ({kind}) changed the codes silently");
            CollectionAssert.AreEqual(expectedScores, loaded.Score(probe), $"mutation {m} ({kind}) changed the scores silently");
            identical++;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double ratio = (double)maxAllocated / file.Length;
        TestContext.WriteLine(
            $"{mutations} mutations of a {file.Length}-byte version-{expectedVersion} model ({architecture}) in {seconds:F2} s (slowest load {maxLoadMs:F2} ms): {refused} refused with InvalidDataException, " +
            $"{identical} loaded bit-identical, {resignedLoaded} re-signed structural edits loaded as other valid models; most allocated by one load {maxAllocated} bytes " +
            $"= {ratio:F1} x the file ({maxAllocatedBy}). Kinds: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}");
        Assert.IsLessThan(8.0, ratio, $"one load allocated {maxAllocated} bytes for a {file.Length}-byte file ({maxAllocatedBy})");
        Assert.IsGreaterThan(mutations / 2, refused);
    }

    [TestMethod]
    public void Load_NewerFormatVersion_IsRefusedNamingLibraryAndVersion()
    {
        using var saved = new MemoryStream();
        new AutoencoderTrainer(new AutoencoderArchitecture(4, [], 2), new TrainingOptions { Epochs = 1 }).Train(AutoencoderTrainerTests.Gaussian(8, 4, seed: 1)).Model.Save(saved);
        byte[] file = saved.ToArray();
        int newer = Microsoft.ML.Autoencoders.Models.ModelFile.CurrentVersion + 1;
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), newer);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream(file)));

        StringAssert.Contains(error.Message, $"format version {newer}");
        StringAssert.Contains(error.Message, "Microsoft.ML.Autoencoders");
        StringAssert.Contains(error.Message, "upgrade");
    }

    [TestMethod]
    public void Load_HugeLayerSizesWithValidChecksum_ThrowsInvalidDataWithoutAllocating()
    {
        // 1024 encoder layers of int.MaxValue units: the parameter count would overflow a long if summed naively.
        var payload = new List<int> { int.MaxValue, int.MaxValue, 1024 };
        payload.AddRange(Enumerable.Repeat(int.MaxValue, 1024));
        payload.AddRange([0, 0, 0, 0, 1234]);
        byte[] bytes = new byte[HeaderSize + payload.Count * 4];
        "MLAE"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), payload.Count * 4);
        for (int i = 0; i < payload.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderSize + 4 * i), payload[i]);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoencoderModel.Load(new MemoryStream(Resign(bytes))));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        StringAssert.Contains(error.Message, "parameter count is 1234");
        Assert.IsLessThan(64L * bytes.Length, allocated);
    }

    private static (byte[] Bytes, string Kind, bool Resigned) Mutate(byte[] file, int index, Random random)
    {
        byte[] bytes = (byte[])file.Clone();
        switch (index % 8)
        {
            case 0:
            case 1:
            {
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    int bit = random.Next(bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return (bytes, flips == 1 ? "bit flip" : "bit flips", false);
            }

            case 2:
            {
                // Every length class: inside the magic, the header, the architecture, the parameters, one byte short.
                int[] classes = [0, 1, 3, 4, 8, 12, 20, HeaderSize - 1, HeaderSize, HeaderSize + 4, HeaderSize + 30, file.Length / 2, file.Length - 5, file.Length - 1];
                int length = index / 8 < classes.Length ? classes[index / 8] : random.Next(file.Length);
                return (bytes[..length], "truncation", false);
            }

            case 3:
            {
                // Swap two sections of equal length (fields, header and payload blocks, parameter runs).
                int length = random.Next(4) switch { 0 => 4, 1 => 8, 2 => 24, _ => 1 + random.Next(file.Length / 3) };
                int a = random.Next(file.Length - length + 1), b = random.Next(file.Length - length + 1);
                byte[] first = file.AsSpan(a, length).ToArray();
                file.AsSpan(b, length).CopyTo(bytes.AsSpan(a));
                first.CopyTo(bytes.AsSpan(b));
                bool resigned = random.Next(2) == 0 && a >= HeaderSize && b >= HeaderSize;
                return (resigned ? Resign(bytes) : bytes, resigned ? "swapped sections, re-signed" : "swapped sections", resigned);
            }

            case 4:
            {
                // An absurd value in the header's payload length.
                long[] absurd = [0, 1, -1, long.MinValue, long.MaxValue, int.MaxValue, (long)int.MaxValue + 1, file.Length, file.Length - HeaderSize - 1, file.Length - HeaderSize + 1, 1L << 40];
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), absurd[random.Next(absurd.Length)]);
                return (bytes, "absurd payload length", false);
            }

            case 5:
            case 6:
            {
                // An absurd value in one of the payload's int32 fields (sizes, layer counts, activations, parameter count), re-signed so the parser sees it.
                int[] absurd = [0, -1, 1, 2, int.MinValue, int.MaxValue, 1 << 20, 1 << 30, 1024, 1025, 65536, 46341];
                int fields = (file.Length - HeaderSize) / 4;
                int field = random.Next(3) == 0 ? random.Next(fields) : random.Next(Math.Min(12, fields));
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderSize + 4 * field), absurd[random.Next(absurd.Length)]);
                return (Resign(bytes), "absurd payload field, re-signed", true);
            }

            default:
            {
                if (random.Next(2) == 0)
                {
                    byte[] longer = new byte[file.Length + 1 + random.Next(64)];
                    file.CopyTo(longer, 0);
                    random.NextBytes(longer.AsSpan(file.Length));
                    return (longer, "appended bytes", false);
                }

                // Random bytes over a random stretch, re-signed.
                int start = HeaderSize + random.Next(file.Length - HeaderSize);
                random.NextBytes(bytes.AsSpan(start, Math.Min(1 + random.Next(16), file.Length - start)));
                return (Resign(bytes), "random bytes, re-signed", true);
            }
        }
    }

    /// <summary>Rewrites the header's checksum so that it matches the (edited) payload, as a file edited on purpose would.</summary>
    private static byte[] Resign(byte[] bytes)
    {
        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        int end = (int)Math.Min(bytes.Length, HeaderSize + Math.Max(0, length));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), Crc32C(bytes.AsSpan(HeaderSize, end - HeaderSize)));
        return bytes;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <summary>A stream that cannot seek, so the reader cannot check a length against the stream's.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
