namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// The pipeline file's <c>manifest.json</c>: the format name and version, whether the top is a chain, the segments in
/// order, and (from version 2) the SHA-256 of every other entry, so that an entry damaged or swapped before it was
/// zipped, which its CRC-32 cannot reveal, is refused before anything parses it.
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Version">The format version, 1 to <see cref="CurrentVersion"/>.</param>
/// <param name="IsChain">Whether the saved model was a <c>TransformerChain</c> rather than one transformer.</param>
/// <param name="Segments">The segments in pipeline order; segment N is stored in the entries named <c>segment-N.*</c>.</param>
/// <param name="Entries">The other entries and their SHA-256, in archive order; null in version 1.</param>
internal sealed record PipelineManifest(string Format, int Version, bool IsChain, PipelineManifest.Segment[] Segments, PipelineManifest.Checksum[]? Entries = null)
{
    /// <summary>The manifest's entry name.</summary>
    public const string EntryName = "manifest.json";

    /// <summary>The format name every manifest holds.</summary>
    public const string FormatName = "Microsoft.ML.Autoencoders.Pipeline";

    /// <summary>
    /// The version written, and the newest read. Version 1: no checksums; settings hold the full training history,
    /// timings included. Version 2: <see cref="Entries"/>. Segments of kind <see cref="Segment.Classifier"/> came later within version 2;
    /// a reader from before them refuses such a file naming the kind it does not know.
    /// </summary>
    public const int CurrentVersion = 2;

    /// <summary>Reads and checks the manifest in <paramref name="json"/>.</summary>
    /// <exception cref="InvalidDataException">The manifest is damaged, of another format, or of a newer version.</exception>
    public static PipelineManifest Read(byte[] json)
    {
        PipelineManifest manifest = PipelineJson.Deserialize<PipelineManifest>(json, EntryName);
        if (manifest.Format != FormatName)
        {
            throw new InvalidDataException($"The pipeline file's {EntryName} does not name the format \"{FormatName}\"; save pipelines with mlContext.Autoencoders.SaveModel.");
        }

        if (manifest.Version < 1 || manifest.Version > CurrentVersion)
        {
            throw new InvalidDataException($"The pipeline file has format version {manifest.Version}; this version of Microsoft.ML.Autoencoders reads versions 1 to {CurrentVersion}. A newer version wrote it: upgrade to load it.");
        }

        if (manifest.Version >= 2)
        {
            if (manifest.Entries == null)
            {
                throw new InvalidDataException($"The pipeline file's {EntryName} is damaged: format version {manifest.Version} lists the checksums of its entries, and it lists none.");
            }

            for (int i = 0; i < manifest.Segments.Length; i++)
            {
                if (manifest.Segments[i].Entry != SegmentEntry(i))
                {
                    throw new InvalidDataException($"The pipeline file's {EntryName} is damaged: segment {i} is stored as \"{manifest.Segments[i].Entry}\", not \"{SegmentEntry(i)}\".");
                }
            }

            if (manifest.Entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != manifest.Entries.Length)
            {
                throw new InvalidDataException($"The pipeline file's {EntryName} is damaged: it lists an entry twice.");
            }
        }

        return manifest;
    }

    /// <summary>The stem of the entries of segment <paramref name="index"/>: <c>segment-N</c>.</summary>
    public static string SegmentEntry(int index) => $"segment-{index}";

    /// <summary>One segment of the pipeline: a run of ML.NET transformers or one autoencoder.</summary>
    /// <param name="Kind"><see cref="MLNet"/>, <see cref="Autoencoder"/>, <see cref="Imputer"/> or <see cref="Classifier"/>.</param>
    /// <param name="Entry">The stem of its entries: <c>segment-N</c>.</param>
    public sealed record Segment(string Kind, string Entry)
    {
        /// <summary>A run of ML.NET transformers, in <c>segment-N.zip</c>.</summary>
        public const string MLNet = "MLNet";

        /// <summary>An autoencoder, in <c>segment-N.mlae</c> and <c>segment-N.json</c>.</summary>
        public const string Autoencoder = "Autoencoder";

        /// <summary>An <see cref="AutoencoderImputingTransformer"/>: its network and its <see cref="ImputerSettings"/>.</summary>
        public const string Imputer = "Imputer";

        /// <summary>A <see cref="FineTunedClassifierTransformer"/>: its classifier in <c>segment-N.mlcl</c> and its <see cref="ClassifierSettings"/>.</summary>
        public const string Classifier = "FineTunedClassifier";
    }

    /// <summary>An entry of the pipeline file and the SHA-256 of its bytes.</summary>
    /// <param name="Name">The entry.</param>
    /// <param name="Sha256">The SHA-256 of its (uncompressed) bytes, lowercase hexadecimal.</param>
    public sealed record Checksum(string Name, string Sha256);
}
