using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// The pipeline file: a zip archive holding
/// <list type="bullet">
/// <item><c>input-schema.zip</c>: an empty ML.NET chain saved with <c>mlContext.Model.Save</c>, to carry the input schema;</item>
/// <item>per run of consecutive ML.NET transformers, <c>segment-N.zip</c>: that run saved with <c>mlContext.Model.Save</c>
/// for the schema flowing into it;</item>
/// <item>per autoencoder, <c>segment-N.mlae</c> (the engine's model file) and <c>segment-N.json</c> (see <see cref="AutoencoderSettings"/>);</item>
/// <item>per imputer, <c>segment-N.mlae</c> (its network) and <c>segment-N.json</c> (see <see cref="ImputerSettings"/>);</item>
/// <item>per fine-tuned classifier, <c>segment-N.mlcl</c> (the classifier's file) and <c>segment-N.json</c> (see <see cref="ClassifierSettings"/>);</item>
/// <item><c>manifest.json</c>, last: see <see cref="PipelineManifest"/>.</item>
/// </list>
/// Every entry, and every entry of the ML.NET segments, is stamped 1980-01-01, so the same pipeline gives the same bytes.
/// Chains are flattened on saving; loading rebuilds one <see cref="TransformerChain{TLastTransformer}"/> with public constructors.
/// Loading checks every entry it reads against its length and CRC-32 (see <see cref="ZipEntries"/>) and, from format
/// version 2, its SHA-256 in the manifest; it checks every entry of an ML.NET segment against its CRC-32 too, and
/// reports any damage, including what ML.NET throws for a segment it cannot read, as <see cref="InvalidDataException"/>
/// naming the entry.
/// </summary>
internal static class PipelineFile
{
    private const string SchemaEntry = "input-schema.zip";

    public static void Write(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);

        var transformers = new List<ITransformer>();
        Flatten(model, transformers);
        var segments = new List<PipelineManifest.Segment>();
        var checksums = new List<PipelineManifest.Checksum>();
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        void Add(string name, byte[] bytes, CompressionLevel level = CompressionLevel.Optimal)
        {
            ZipEntries.Write(archive, name, bytes, level);
            checksums.Add(new PipelineManifest.Checksum(name, Sha256(bytes)));
        }

        Add(SchemaEntry, MLNetSegment.Save(mlContext, [], inputSchema, CompressionLevel.Optimal));
        DataViewSchema schema = inputSchema;
        int index = 0;
        while (index < transformers.Count)
        {
            string entry = PipelineManifest.SegmentEntry(segments.Count);
            (Action<Stream> SaveNetwork, string Extension, byte[] Settings, string Kind)? networkSegment = transformers[index] switch
            {
                AutoencoderTransformer autoencoder => (autoencoder.Model.Save, ".mlae", PipelineJson.Serialize(AutoencoderSettings.Of(autoencoder)), PipelineManifest.Segment.Autoencoder),
                AutoencoderImputingTransformer imputing => (imputing.Imputer.Model.Save, ".mlae", PipelineJson.Serialize(ImputerSettings.Of(imputing)), PipelineManifest.Segment.Imputer),
                FineTunedClassifierTransformer classifier => (classifier.Classifier.Save, ClassifierSettings.NetworkExtension, PipelineJson.Serialize(ClassifierSettings.Of(classifier)), PipelineManifest.Segment.Classifier),
                _ => null,
            };
            if (networkSegment is var (saveNetwork, extension, settings, kind))
            {
                // Weights are close to random bytes: deflate would only add to them.
                using (var weights = new MemoryStream())
                {
                    saveNetwork(weights);
                    Add(entry + extension, weights.ToArray(), CompressionLevel.NoCompression);
                }

                Add(entry + ".json", settings);
                segments.Add(new PipelineManifest.Segment(kind, entry));
                schema = transformers[index].GetOutputSchema(schema);
                index++;
                continue;
            }

            var run = new List<ITransformer>();
            DataViewSchema runInput = schema;
            for (; index < transformers.Count && transformers[index] is not (AutoencoderTransformer or AutoencoderImputingTransformer or FineTunedClassifierTransformer); index++)
            {
                run.Add(transformers[index]);
                schema = transformers[index].GetOutputSchema(schema);
            }

            try
            {
                Add(entry + ".zip", MLNetSegment.Save(mlContext, run.ToArray(), runInput, CompressionLevel.Optimal));
            }
            catch (Exception e) when (e is not NotSupportedException)
            {
                throw new NotSupportedException(
                    $"ML.NET could not save the transformers {string.Join(", ", run.Select(t => t.GetType().Name))} (segment {segments.Count} of the pipeline): {e.Message}", e);
            }

            segments.Add(new PipelineManifest.Segment(PipelineManifest.Segment.MLNet, entry));
        }

        var manifest = new PipelineManifest(PipelineManifest.FormatName, PipelineManifest.CurrentVersion, IsChain(model), segments.ToArray(), checksums.ToArray());
        ZipEntries.Write(archive, PipelineManifest.EntryName, PipelineJson.Serialize(manifest), CompressionLevel.Optimal);
    }

    public static ITransformer Read(MLContext mlContext, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"This is not an autoencoder pipeline file: it is not a zip archive, or a damaged one ({e.Message}). Save pipelines with mlContext.Autoencoders.SaveModel.", e);
        }

        using (archive)
        {
            PipelineManifest manifest = PipelineManifest.Read(ZipEntries.Read(archive, PipelineManifest.EntryName, "The pipeline file"));
            var reader = new EntryReader(archive, manifest.Entries?.ToDictionary(e => e.Name, e => e.Sha256, StringComparer.Ordinal));
            inputSchema = LoadSchema(mlContext, reader);
            var transformers = new List<ITransformer>();
            foreach (PipelineManifest.Segment segment in manifest.Segments)
            {
                switch (segment.Kind)
                {
                    case PipelineManifest.Segment.MLNet:
                        string name = segment.Entry + ".zip";
                        Flatten(MLNetSegment.Load(mlContext, reader.Read(name), name, out _), transformers);
                        break;
                    case PipelineManifest.Segment.Autoencoder:
                        transformers.Add(LoadAutoencoder(reader, segment.Entry, manifest.Version));
                        break;
                    case PipelineManifest.Segment.Imputer when manifest.Version >= 2:
                        transformers.Add(LoadImputer(reader, segment.Entry));
                        break;
                    case PipelineManifest.Segment.Classifier when manifest.Version >= 2:
                        transformers.Add(LoadClassifier(reader, segment.Entry));
                        break;
                    default:
                        throw new InvalidDataException($"The pipeline file's segment \"{segment.Entry}\" is of kind \"{segment.Kind}\"; this version reads \"{PipelineManifest.Segment.MLNet}\", \"{PipelineManifest.Segment.Autoencoder}\" and, from format version 2, \"{PipelineManifest.Segment.Imputer}\" and \"{PipelineManifest.Segment.Classifier}\".");
                }
            }

            if (!manifest.IsChain && transformers.Count == 1)
            {
                return transformers[0];
            }

            return new TransformerChain<ITransformer>(transformers.ToArray());
        }
    }

    private static DataViewSchema LoadSchema(MLContext mlContext, EntryReader reader)
    {
        MLNetSegment.Load(mlContext, reader.Read(SchemaEntry), SchemaEntry, out DataViewSchema schema);
        return schema;
    }

    private static AutoencoderTransformer LoadAutoencoder(EntryReader reader, string entry, int version)
    {
        AutoencoderModel model;
        using (var buffer = new MemoryStream(reader.Read(entry + ".mlae"), writable: false))
        {
            model = AutoencoderModel.Load(buffer);
        }

        (AutoencoderColumns columns, float threshold, EpochReport[] history) = AutoencoderSettings.Read(reader.Read(entry + ".json"), entry + ".json", version);
        try
        {
            return new AutoencoderTransformer(model, threshold, columns, history);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The pipeline file's entry \"{entry}.json\" holds invalid settings: {e.Message}", e);
        }
    }

    private static AutoencoderImputingTransformer LoadImputer(EntryReader reader, string entry)
    {
        AutoencoderModel model;
        using (var buffer = new MemoryStream(reader.Read(entry + ".mlae"), writable: false))
        {
            model = AutoencoderModel.Load(buffer);
        }

        return PipelineJson.Deserialize<ImputerSettings>(reader.Read(entry + ".json"), entry + ".json").ToTransformer(model, entry + ".json");
    }

    private static FineTunedClassifierTransformer LoadClassifier(EntryReader reader, string entry)
    {
        FineTunedClassifier classifier;
        string name = entry + ClassifierSettings.NetworkExtension;
        using (var buffer = new MemoryStream(reader.Read(name), writable: false))
        {
            try
            {
                classifier = FineTunedClassifier.Load(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"The pipeline file's entry \"{name}\" is not a readable classifier: {e.Message}", e);
            }
        }

        return PipelineJson.Deserialize<ClassifierSettings>(reader.Read(entry + ".json"), entry + ".json").ToTransformer(classifier, entry + ".json");
    }

    private static void Flatten(ITransformer transformer, List<ITransformer> into)
    {
        if (IsChain(transformer))
        {
            foreach (ITransformer inner in (IEnumerable<ITransformer>)transformer)
            {
                Flatten(inner, into);
            }
        }
        else
        {
            into.Add(transformer);
        }
    }

    private static bool IsChain(ITransformer transformer) =>
        transformer.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(TransformerChain<>);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Reads entries checked against their CRC-32 and, when the manifest lists checksums, their SHA-256.</summary>
    private sealed class EntryReader(ZipArchive archive, Dictionary<string, string>? checksums)
    {
        public byte[] Read(string name)
        {
            string? expected = null;
            if (checksums != null && !checksums.TryGetValue(name, out expected))
            {
                throw new InvalidDataException($"The pipeline file is damaged: its {PipelineManifest.EntryName} lists no checksum for the entry \"{name}\".");
            }

            byte[] bytes = ZipEntries.Read(archive, name, "The pipeline file");
            if (expected != null && Sha256(bytes) != expected)
            {
                throw new InvalidDataException($"The pipeline file is damaged: the bytes of its entry \"{name}\" do not match the SHA-256 its {PipelineManifest.EntryName} lists.");
            }

            return bytes;
        }
    }
}
