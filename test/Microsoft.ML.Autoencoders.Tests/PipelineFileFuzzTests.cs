using System.Diagnostics;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// Issue 3, damaged pipeline files: mutated copies of a saved pipeline (normalizer, autoencoder, concatenation) each
/// either load with outputs bit-identical to the original or throw <see cref="InvalidDataException"/>, never another
/// exception, quickly.
/// </summary>
[TestClass]
public sealed class PipelineFileFuzzTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Damage to the file's own bytes, as a disk or a copy does it: bit flips, truncations, swapped sections, appended bytes.</summary>
    [TestMethod]
    public void LoadModel_MutatedFileBytes_OnlyInvalidDataOrIdenticalOutputs()
    {
        var fixture = Fixture.Create();
        var random = new Random(11);
        var outcomes = new Outcomes();
        var clock = Stopwatch.StartNew();
        const int mutations = 300;
        for (int m = 0; m < mutations; m++)
        {
            (byte[] mutated, string kind) = Mutate(fixture.File, m, random, appendable: true);
            outcomes.Add("file", kind, fixture.Load(mutated, $"mutation {m} of the file ({kind})"));
        }

        outcomes.Report(TestContext, $"{mutations} mutations of the file's bytes", fixture.File.Length, clock.Elapsed);
    }

    /// <summary>
    /// Damage to one entry before it was zipped, so the archive's CRC-32 matches it: bit flips, truncations, swapped
    /// sections and random bytes in every entry (manifest, input schema, ML.NET segments, model file, settings),
    /// entries removed, entries holding another entry's bytes. The SHA-256 in the manifest refuses all of it.
    /// </summary>
    [TestMethod]
    public void LoadModel_MutatedEntries_OnlyInvalidDataOrIdenticalOutputs()
    {
        var fixture = Fixture.Create();
        List<(string Name, byte[] Bytes)> entries = PipelineZip.Entries(fixture.File);
        var random = new Random(12);
        var outcomes = new Outcomes();
        var clock = Stopwatch.StartNew();
        const int mutations = 300;
        for (int m = 0; m < mutations; m++)
        {
            (string name, byte[] original) = entries[m % entries.Count];
            int kind = m / entries.Count % 6;
            (byte[]? mutated, string description) = kind switch
            {
                4 => (null, "removed"),
                5 => (entries[(m + 1 + random.Next(entries.Count - 1)) % entries.Count].Bytes, "another entry's bytes"),
                _ => Mutate(original, m / entries.Count, random, appendable: true),
            };
            outcomes.Add(name, description, fixture.Load(PipelineZip.Replace(fixture.File, name, mutated), $"mutation {m} of {name} ({description})"));
        }

        outcomes.Report(TestContext, $"{mutations} mutations of the entries, zipped with valid CRC-32s", fixture.File.Length, clock.Elapsed);
    }

    /// <summary>
    /// Damage to one entry with its SHA-256 in the manifest updated to match, as a tool editing the file on purpose
    /// would, so that it reaches the parsers: ML.NET's (behind the CRC-32 of each entry of its segment), the model
    /// file's (behind its own CRC-32C), and the settings' JSON. A settings edit that is still valid JSON of valid
    /// settings is another pipeline, and may load as one ("other pipeline"); nothing else may load unless it computes
    /// what the original does.
    /// </summary>
    [TestMethod]
    public void LoadModel_MutatedEntriesWithMatchingChecksums_OnlyInvalidDataOrIdenticalOutputs()
    {
        var fixture = Fixture.Create();
        List<(string Name, byte[] Bytes)> entries = PipelineZip.Entries(fixture.File).Where(e => e.Name != "manifest.json").ToList();
        var random = new Random(13);
        var outcomes = new Outcomes();
        var clock = Stopwatch.StartNew();
        const int mutations = 250;
        for (int m = 0; m < mutations; m++)
        {
            (string name, byte[] original) = entries[m % entries.Count];
            (byte[] mutated, string description) = Mutate(original, m / entries.Count, random, appendable: true);
            byte[] file = PipelineZip.ReplaceSigned(fixture.File, name, mutated);
            string what = $"mutation {m} of {name} ({description}), re-signed";
            outcomes.Add(name, description, name.EndsWith(".json", StringComparison.Ordinal) ? fixture.LoadAny(file, what) : fixture.Load(file, what));
        }

        outcomes.Report(TestContext, $"{mutations} mutations of the entries, with matching SHA-256s in the manifest", fixture.File.Length, clock.Elapsed);
    }

    private static (byte[] Bytes, string Kind) Mutate(byte[] original, int index, Random random, bool appendable)
    {
        byte[] bytes = (byte[])original.Clone();
        switch (index % 4)
        {
            case 0:
            {
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    int bit = random.Next(bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return (bytes, flips == 1 ? "bit flip" : "bit flips");
            }

            case 1:
            {
                int[] classes = [0, 1, 4, 22, original.Length / 2, original.Length - 22, original.Length - 1];
                int length = index / 4 < classes.Length ? classes[index / 4] : random.Next(original.Length);
                return (bytes[..length], "truncation");
            }

            case 2:
            {
                int length = random.Next(3) switch { 0 => 4, 1 => 16, _ => 1 + random.Next(Math.Max(1, original.Length / 3)) };
                length = Math.Min(length, original.Length);
                int a = random.Next(original.Length - length + 1), b = random.Next(original.Length - length + 1);
                original.AsSpan(b, length).CopyTo(bytes.AsSpan(a));
                original.AsSpan(a, length).CopyTo(bytes.AsSpan(b));
                return (bytes, "swapped sections");
            }

            default:
            {
                if (appendable && random.Next(2) == 0)
                {
                    byte[] longer = new byte[original.Length + 1 + random.Next(64)];
                    original.CopyTo(longer, 0);
                    random.NextBytes(longer.AsSpan(original.Length));
                    return (longer, "appended bytes");
                }

                int start = random.Next(original.Length);
                random.NextBytes(bytes.AsSpan(start, Math.Min(1 + random.Next(16), original.Length - start)));
                return (bytes, "random bytes");
            }
        }
    }

    /// <summary>A saved pipeline and what it computes.</summary>
    private sealed class Fixture
    {
        private readonly MLContext _context = new();
        private IDataView _probe = null!;
        private List<int> _outputs = null!;
        private AutoencoderTransformer _autoencoder = null!;

        public byte[] File { get; private set; } = [];

        public static Fixture Create()
        {
            var mlContext = new MLContext(seed: 1);
            ITransformer model = SmallPipeline.Fit(mlContext);
            var stream = new MemoryStream();
            mlContext.Autoencoders.SaveModel(model, SmallPipeline.Data(mlContext, 8, 1, seed: 3).Schema, stream);
            var fixture = new Fixture { File = stream.ToArray() };
            fixture._probe = SmallPipeline.Data(fixture._context, 8, 20, seed: 11);
            fixture._outputs = OutputBits.Of(model.Transform(fixture._probe), SmallPipeline.Columns);
            fixture._autoencoder = ((IEnumerable<ITransformer>)model).OfType<AutoencoderTransformer>().Single();
            _ = fixture.Load(fixture.File, "the original");
            return fixture;
        }

        /// <summary>Loads <paramref name="bytes"/> as <see cref="Load"/> does, but takes a pipeline computing something else ("other pipeline") too.</summary>
        public string LoadAny(byte[] bytes, string what)
        {
            try
            {
                return Load(bytes, what);
            }
            catch (AssertFailedException) when (LoadsWithoutError(bytes))
            {
                return "other pipeline";
            }
        }

        /// <summary>Loads <paramref name="bytes"/>: "refused" for InvalidDataException, "identical" for a pipeline computing what the original does; fails the test otherwise.</summary>
        public string Load(byte[] bytes, string what)
        {
            ITransformer loaded;
            try
            {
                loaded = _context.Autoencoders.LoadModel(new MemoryStream(bytes), out _);
            }
            catch (InvalidDataException)
            {
                return "refused";
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} threw {e.GetType().Name}, not InvalidDataException: {e}");
                throw;
            }

            List<int> outputs;
            AutoencoderTransformer autoencoder;
            try
            {
                outputs = OutputBits.Of(loaded.Transform(_probe), SmallPipeline.Columns);
                autoencoder = ((IEnumerable<ITransformer>)loaded).OfType<AutoencoderTransformer>().Single();
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} loaded a pipeline that differs from the original: {e.Message}");
                throw;
            }

            CollectionAssert.AreEqual(_outputs, outputs, $"{what} loaded and changed the outputs");
            Assert.AreEqual(_autoencoder.Threshold, autoencoder.Threshold, what);
            CollectionAssert.AreEqual(
                _autoencoder.TrainingHistory.Select(r => (r.Epoch, r.EpochCount, r.TrainingLoss, r.ValidationLoss, r.LearningRate)).ToArray(),
                autoencoder.TrainingHistory.Select(r => (r.Epoch, r.EpochCount, r.TrainingLoss, r.ValidationLoss, r.LearningRate)).ToArray(),
                $"{what} loaded and changed the training history");
            return "identical";
        }

        private bool LoadsWithoutError(byte[] bytes)
        {
            _context.Autoencoders.LoadModel(new MemoryStream(bytes), out _);
            return true;
        }
    }

    /// <summary>Counts outcomes by entry and by kind of mutation.</summary>
    private sealed class Outcomes
    {
        private readonly SortedDictionary<string, SortedDictionary<string, int>> _byEntry = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, SortedDictionary<string, int>> _byKind = new(StringComparer.Ordinal);

        public void Add(string entry, string kind, string outcome)
        {
            Count(_byEntry, entry, outcome);
            Count(_byKind, kind, outcome);
        }

        public void Report(TestContext context, string what, int fileLength, TimeSpan elapsed)
        {
            var totals = _byKind.Values.SelectMany(c => c).GroupBy(c => c.Key).Select(g => $"{g.Sum(c => c.Value)} {g.Key}");
            context.WriteLine($"{what} ({fileLength}-byte pipeline file) in {elapsed.TotalSeconds:F2} s: {string.Join(", ", totals)}.");
            context.WriteLine($"  by entry: {Format(_byEntry)}");
            context.WriteLine($"  by kind: {Format(_byKind)}");
        }

        private static void Count(SortedDictionary<string, SortedDictionary<string, int>> counts, string key, string outcome)
        {
            if (!counts.TryGetValue(key, out SortedDictionary<string, int>? byOutcome))
            {
                counts[key] = byOutcome = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            byOutcome[outcome] = byOutcome.GetValueOrDefault(outcome) + 1;
        }

        private static string Format(SortedDictionary<string, SortedDictionary<string, int>> counts) =>
            string.Join("; ", counts.Select(c => $"{c.Key}: {string.Join(", ", c.Value.Select(o => $"{o.Value} {o.Key}"))}"));
    }
}
