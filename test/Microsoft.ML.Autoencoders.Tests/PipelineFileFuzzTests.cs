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
            outcomes.Add($"file, {kind}", fixture.Load(mutated, $"mutation {m} of the file ({kind})"));
        }

        outcomes.Report(TestContext, $"{mutations} mutations of the file's bytes", fixture.File.Length, clock.Elapsed);
        Assert.IsLessThan(20.0, clock.Elapsed.TotalSeconds, "the fuzz run took too long");
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
            fixture._outputs = Columns.Bits(model.Transform(fixture._probe), SmallPipeline.Columns);
            fixture._autoencoder = ((IEnumerable<ITransformer>)model).OfType<AutoencoderTransformer>().Single();
            _ = fixture.Load(fixture.File, "the original");
            return fixture;
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

            AutoencoderTransformer autoencoder = ((TransformerChain<ITransformer>)loaded).OfType<AutoencoderTransformer>().Single();
            CollectionAssert.AreEqual(_outputs, Columns.Bits(loaded.Transform(_probe), SmallPipeline.Columns), $"{what} loaded and changed the outputs");
            Assert.AreEqual(_autoencoder.Threshold, autoencoder.Threshold, what);
            CollectionAssert.AreEqual(
                _autoencoder.TrainingHistory.Select(r => (r.Epoch, r.EpochCount, r.TrainingLoss, r.ValidationLoss, r.LearningRate)).ToArray(),
                autoencoder.TrainingHistory.Select(r => (r.Epoch, r.EpochCount, r.TrainingLoss, r.ValidationLoss, r.LearningRate)).ToArray(),
                $"{what} loaded and changed the training history");
            return "identical";
        }
    }

    /// <summary>Counts outcomes by kind of mutation.</summary>
    private sealed class Outcomes
    {
        private readonly SortedDictionary<string, SortedDictionary<string, int>> _counts = new(StringComparer.Ordinal);

        public void Add(string kind, string outcome)
        {
            if (!_counts.TryGetValue(kind, out SortedDictionary<string, int>? byOutcome))
            {
                _counts[kind] = byOutcome = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }

            byOutcome[outcome] = byOutcome.GetValueOrDefault(outcome) + 1;
        }

        public void Report(TestContext context, string what, int fileLength, TimeSpan elapsed)
        {
            var totals = _counts.Values.SelectMany(c => c).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
            context.WriteLine(
                $"{what} ({fileLength}-byte pipeline file) in {elapsed.TotalSeconds:F2} s: {string.Join(", ", totals.OrderBy(t => t.Key).Select(t => $"{t.Value} {t.Key}"))}.");
            foreach ((string kind, SortedDictionary<string, int> byOutcome) in _counts)
            {
                context.WriteLine($"  {kind}: {string.Join(", ", byOutcome.Select(o => $"{o.Value} {o.Key}"))}");
            }
        }
    }
}
