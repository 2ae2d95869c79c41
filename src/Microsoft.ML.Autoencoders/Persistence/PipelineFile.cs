using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// The pipeline file: a zip archive holding
/// <list type="bullet">
/// <item><c>manifest.json</c>: format name and version, whether the top is a chain, and the segments in order;</item>
/// <item><c>input-schema.zip</c>: an empty ML.NET chain saved with <c>mlContext.Model.Save</c>, to carry the input schema;</item>
/// <item>per run of consecutive ML.NET transformers, <c>segment-N.zip</c>: that run saved with <c>mlContext.Model.Save</c>
/// for the schema flowing into it;</item>
/// <item>per autoencoder, <c>segment-N.mlae</c> (the engine's model file) and <c>segment-N.json</c> (columns, threshold, history);</item>
/// <item>per autoencoder imputer, <c>segment-N.mlae</c> (its network) and <c>segment-N.json</c> (columns, means, scales, iterations, history).</item>
/// </list>
/// Chains are flattened on saving; loading rebuilds one <see cref="TransformerChain{TLastTransformer}"/> with public constructors.
/// </summary>
internal static class PipelineFile
{
    private const string FormatName = "Microsoft.ML.Autoencoders.Pipeline";
    private const int CurrentVersion = 1;
    private const string ManifestEntry = "manifest.json";
    private const string SchemaEntry = "input-schema.zip";
    private const string MLNetKind = "MLNet";
    private const string AutoencoderKind = "Autoencoder";
    private const string ImputerKind = "Imputer";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);

        var transformers = new List<ITransformer>();
        Flatten(model, transformers);
        var segments = new List<Segment>();
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(archive, SchemaEntry, s => mlContext.Model.Save(new TransformerChain<ITransformer>(), inputSchema, s));

        DataViewSchema schema = inputSchema;
        int index = 0;
        while (index < transformers.Count)
        {
            string entry = $"segment-{segments.Count}";
            if (transformers[index] is AutoencoderTransformer autoencoder)
            {
                WriteEntry(archive, entry + ".mlae", autoencoder.Model.Save);
                var settings = new AutoencoderSettings(autoencoder.Columns, autoencoder.Threshold, autoencoder.TrainingHistory.ToArray());
                WriteEntry(archive, entry + ".json", s => JsonSerializer.Serialize(s, settings, Json));
                segments.Add(new Segment(AutoencoderKind, entry));
                schema = autoencoder.GetOutputSchema(schema);
                index++;
                continue;
            }

            if (transformers[index] is AutoencoderImputingTransformer imputing)
            {
                AutoencoderImputer imputer = imputing.Imputer;
                WriteEntry(archive, entry + ".mlae", imputer.Model.Save);
                var settings = new ImputerSettings(imputing.InputColumnName, imputing.OutputColumnName, imputer.Means.ToArray(), imputer.Scales.ToArray(), imputer.Iterations, imputing.TrainingHistory.ToArray());
                WriteEntry(archive, entry + ".json", s => JsonSerializer.Serialize(s, settings, Json));
                segments.Add(new Segment(ImputerKind, entry));
                schema = imputing.GetOutputSchema(schema);
                index++;
                continue;
            }

            var run = new List<ITransformer>();
            DataViewSchema runInput = schema;
            for (; index < transformers.Count && transformers[index] is not (AutoencoderTransformer or AutoencoderImputingTransformer); index++)
            {
                run.Add(transformers[index]);
                schema = transformers[index].GetOutputSchema(schema);
            }

            try
            {
                WriteEntry(archive, entry + ".zip", s => mlContext.Model.Save(new TransformerChain<ITransformer>(run.ToArray()), runInput, s));
            }
            catch (Exception e) when (e is not NotSupportedException)
            {
                throw new NotSupportedException(
                    $"ML.NET could not save the transformers {string.Join(", ", run.Select(t => t.GetType().Name))} (segment {segments.Count} of the pipeline): {e.Message}", e);
            }

            segments.Add(new Segment(MLNetKind, entry));
        }

        var manifest = new Manifest(FormatName, CurrentVersion, IsChain(model), segments.ToArray());
        WriteEntry(archive, ManifestEntry, s => JsonSerializer.Serialize(s, manifest, Json));
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
            throw new InvalidDataException($"This is not an autoencoder pipeline file: it is not a zip archive ({e.Message}). Save pipelines with mlContext.Autoencoders.SaveModel.", e);
        }

        using (archive)
        {
            Manifest manifest = ReadManifest(archive);
            LoadMLNet(mlContext, archive, SchemaEntry, out inputSchema);
            var transformers = new List<ITransformer>();
            foreach (Segment segment in manifest.Segments)
            {
                switch (segment.Kind)
                {
                    case MLNetKind:
                        Flatten(LoadMLNet(mlContext, archive, segment.Entry + ".zip", out _), transformers);
                        break;
                    case AutoencoderKind:
                        transformers.Add(LoadAutoencoder(archive, segment.Entry));
                        break;
                    case ImputerKind:
                        transformers.Add(LoadImputer(archive, segment.Entry));
                        break;
                    default:
                        throw new InvalidDataException($"The pipeline file's segment \"{segment.Entry}\" is of kind \"{segment.Kind}\"; this version reads \"{MLNetKind}\", \"{AutoencoderKind}\" and \"{ImputerKind}\".");
                }
            }

            if (!manifest.IsChain && transformers.Count == 1)
            {
                return transformers[0];
            }

            return new TransformerChain<ITransformer>(transformers.ToArray());
        }
    }

    private static ITransformer LoadMLNet(MLContext mlContext, ZipArchive archive, string name, out DataViewSchema schema)
    {
        using MemoryStream buffer = ReadEntry(archive, name);
        return mlContext.Model.Load(buffer, out schema);
    }

    private static AutoencoderTransformer LoadAutoencoder(ZipArchive archive, string entry)
    {
        AutoencoderModel model;
        using (MemoryStream buffer = ReadEntry(archive, entry + ".mlae"))
        {
            model = AutoencoderModel.Load(buffer);
        }

        AutoencoderSettings settings;
        using (MemoryStream buffer = ReadEntry(archive, entry + ".json"))
        {
            try
            {
                settings = JsonSerializer.Deserialize<AutoencoderSettings>(buffer, Json)
                    ?? throw new InvalidDataException($"The pipeline file's {entry}.json is empty.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The pipeline file's {entry}.json is damaged: {e.Message}", e);
            }
        }

        try
        {
            return new AutoencoderTransformer(model, settings.Threshold, settings.Columns ?? new AutoencoderColumns(), settings.TrainingHistory);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The pipeline file's {entry}.json holds invalid settings: {e.Message}", e);
        }
    }

    private static AutoencoderImputingTransformer LoadImputer(ZipArchive archive, string entry)
    {
        AutoencoderModel model;
        using (MemoryStream buffer = ReadEntry(archive, entry + ".mlae"))
        {
            model = AutoencoderModel.Load(buffer);
        }

        ImputerSettings? settings;
        using (MemoryStream buffer = ReadEntry(archive, entry + ".json"))
        {
            try
            {
                settings = JsonSerializer.Deserialize<ImputerSettings>(buffer, Json);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The pipeline file's {entry}.json is damaged: {e.Message}", e);
            }
        }

        if (settings?.InputColumnName == null || settings.Means == null || settings.Scales == null)
        {
            throw new InvalidDataException($"The pipeline file's {entry}.json lacks the imputer's input column, means or scales.");
        }

        try
        {
            var imputer = new AutoencoderImputer(model, settings.Means, settings.Scales, settings.Iterations);
            return new AutoencoderImputingTransformer(imputer, settings.InputColumnName, settings.OutputColumnName, settings.TrainingHistory);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The pipeline file's {entry}.json holds invalid imputer settings: {e.Message}", e);
        }
    }

    private static Manifest ReadManifest(ZipArchive archive)
    {
        using MemoryStream buffer = ReadEntry(archive, ManifestEntry);
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(buffer, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The pipeline file's {ManifestEntry} is damaged: {e.Message}", e);
        }

        if (manifest?.Format != FormatName || manifest.Segments == null)
        {
            throw new InvalidDataException($"The pipeline file's {ManifestEntry} does not name the format \"{FormatName}\"; save pipelines with mlContext.Autoencoders.SaveModel.");
        }

        if (manifest.Version < 1 || manifest.Version > CurrentVersion)
        {
            throw new InvalidDataException($"The pipeline file has format version {manifest.Version}; this version of Microsoft.ML.Autoencoders reads versions 1 to {CurrentVersion}. A newer version wrote it: upgrade to load it.");
        }

        return manifest;
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

    private static void WriteEntry(ZipArchive archive, string name, Action<Stream> write)
    {
        // ML.NET and the engine write to a seekable buffer first; the archive entry itself is write-only.
        using var buffer = new MemoryStream();
        write(buffer);
        ZipArchiveEntry entry = archive.CreateEntry(name, CompressionLevel.Fastest);
        using Stream target = entry.Open();
        buffer.Position = 0;
        buffer.CopyTo(target);
    }

    private static MemoryStream ReadEntry(ZipArchive archive, string name)
    {
        ZipArchiveEntry entry = archive.GetEntry(name)
            ?? throw new InvalidDataException($"The pipeline file has no entry \"{name}\"; it is damaged, or not written by mlContext.Autoencoders.SaveModel.");
        var buffer = new MemoryStream();
        using (Stream source = entry.Open())
        {
            source.CopyTo(buffer);
        }

        buffer.Position = 0;
        return buffer;
    }

    private sealed record Segment(string Kind, string Entry);

    private sealed record Manifest(string Format, int Version, bool IsChain, Segment[] Segments);

    private sealed record ImputerSettings(string InputColumnName, string OutputColumnName, float[] Means, float[] Scales, int Iterations, EpochReport[]? TrainingHistory);

    private sealed record AutoencoderSettings(AutoencoderColumns Columns, float Threshold, EpochReport[] TrainingHistory);
}
