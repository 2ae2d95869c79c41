using System.Buffers.Binary;
using System.Text;
using Microsoft.ML.Autoencoders.IO;

namespace Microsoft.ML.Autoencoders.Models;

/// <summary>
/// The versioned binary format of an <see cref="AutoencoderModel"/>, little-endian, in the library's checksummed envelope
/// (<see cref="ChecksummedFile"/>, kind 1): the payload is the architecture, then every parameter. Readers refuse, by name and version, what
/// they cannot read, and never trust a length before checking it against the bytes actually present.
/// Version 2 adds, after the three activations, the family fields: flags (bit 0: variational, bit 1: convolutional) and the winner-take-all k;
/// a convolutional model then has its layout: channels, height, width, code size, the encoder stages (count, then channels, kernel, stride,
/// padding, pool each) and the decoder stages (count, then channels, kernel, stride, padding, upsample, transposed each).
/// Version 3 adds, after the parameters, the error scales: their count (the input size) and one positive finite float per feature. It is
/// written only for a model with error scales; without them a model is written as before (version 1 or 2), so older readers keep reading it.
/// Version 4 adds, after the error scales (whose count may then be 0: no scales), the code neighbours: the neighbour count k, the count n of
/// normal rows, their codes (n times the code size floats), then n sorted mean squared errors, n sorted scaled errors when there are error
/// scales, n sorted neighbour distances and the n rows' sorted leave-one-out scores. It is written only for a model scoring by its code neighbours.
/// A plain autoencoder is still written as version 1, byte for byte as before.
/// </summary>
internal static class ModelFile
{
    /// <summary>The format version this library writes, and the newest it reads.</summary>
    public const int CurrentVersion = 4;

    private const int MaxLayerCount = 1024;
    /// <summary>Bit 0 of the family flags: a variational network.</summary>
    internal const int VariationalFlag = 1;

    /// <summary>Bit 1 of the family flags: a convolutional network, whose layout follows.</summary>
    internal const int ConvolutionalFlag = 2;
    private const int MaxStageCount = 256;

    public static void Write(AutoencoderModel model, Stream stream) =>
        ChecksummedFile.Write(stream, VersionFor(model), ChecksummedFile.AutoencoderModelKind, WritePayload(model));

    public static AutoencoderModel Read(Stream stream)
    {
        byte[] payload = ChecksummedFile.Read(stream, ChecksummedFile.AutoencoderModelKind, CurrentVersion, out int version);
        return ParsePayload(payload, version);
    }

    /// <summary>The oldest format version that can describe <paramref name="model"/>.</summary>
    private static int VersionFor(AutoencoderModel model) => model.CodeNeighbourReference != null ? 4 : model.ErrorScales != null ? 3 : model.Architecture.Network.FitsFormatVersion1 ? 1 : 2;

    private static byte[] WritePayload(AutoencoderModel model)
    {
        AutoencoderArchitecture a = model.Architecture;
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(a.InputSize);
            writer.Write(a.CodeSize);
            WriteSizes(writer, a.EncoderHiddenSizes);
            WriteSizes(writer, a.DecoderHiddenSizes);
            writer.Write((int)a.HiddenActivation);
            writer.Write((int)a.CodeActivation);
            writer.Write((int)a.OutputActivation);
            int version = VersionFor(model);
            if (version >= 2)
            {
                a.Network.WriteFamilyFields(writer);
            }

            ReadOnlySpan<float> parameters = model.Parameters;
            writer.Write(parameters.Length);
            foreach (float value in parameters)
            {
                writer.Write(value);
            }

            if (model.ErrorScales is IReadOnlyList<float> scales)
            {
                writer.Write(scales.Count);
                foreach (float value in scales)
                {
                    writer.Write(value);
                }
            }
            else if (version >= 4)
            {
                writer.Write(0);
            }

            if (model.CodeNeighbourReference is CodeNeighbours neighbours)
            {
                writer.Write(neighbours.NeighbourCount);
                writer.Write(neighbours.RowCount);
                WriteFloats(writer, neighbours.Codes);
                WriteFloats(writer, neighbours.Errors);
                if (neighbours.ScaledErrors != null)
                {
                    WriteFloats(writer, neighbours.ScaledErrors);
                }

                WriteFloats(writer, neighbours.Distances);
                WriteFloats(writer, neighbours.NormalScores);
            }
        }

        return buffer.ToArray();
    }

    private static AutoencoderModel ParsePayload(byte[] payload, int version)
    {
        var reader = new PayloadReader(payload);
        int inputSize = reader.ReadPositive("input size");
        int codeSize = reader.ReadPositive("code size");
        int[] encoder = reader.ReadSizes("encoder hidden sizes");
        int[] decoder = reader.ReadSizes("decoder hidden sizes");
        Activation hidden = reader.ReadActivation("hidden activation");
        Activation code = reader.ReadActivation("code activation");
        Activation output = reader.ReadActivation("output activation");
        int flags = 0, winners = 0;
        if (version >= 2)
        {
            flags = reader.ReadInt32("family flags");
            winners = reader.ReadInt32("winner-take-all k");
            if (flags is not (0 or VariationalFlag or ConvolutionalFlag) || winners < 0 || winners > codeSize || winners > 0 && flags != 0 || (flags & VariationalFlag) != 0 && code != Activation.Identity)
            {
                throw new InvalidDataException($"The model file's family fields are flags {flags} and winner-take-all k {winners}; expected flags 0, {VariationalFlag} (variational, identity code) or {ConvolutionalFlag} (convolutional), and k from 0 to the code size {codeSize}, not with other flags.");
            }
        }

        if ((flags & ConvolutionalFlag) != 0)
        {
            ConvolutionalLayout layout = ReadLayout(ref reader);
            AutoencoderArchitecture convolutional;
            try
            {
                convolutional = AutoencoderArchitecture.Convolutional(layout, hidden, code, output);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The model file describes a convolutional network this library cannot build: {e.Message}", e);
            }

            if (convolutional.InputSize != inputSize || convolutional.CodeSize != codeSize || encoder.Length != 0 || decoder.Length != 0)
            {
                throw new InvalidDataException($"The model file's convolutional layout {layout} has input size {convolutional.InputSize} and code size {convolutional.CodeSize}; its header fields say {inputSize} and {codeSize} with no dense hidden layers.");
            }

            return ReadParameters(ref reader, convolutional, version);
        }

        AutoencoderArchitecture architecture;
        try
        {
            architecture = new AutoencoderArchitecture(inputSize, encoder, codeSize, decoder, hidden, code, output)
            {
                IsVariational = (flags & VariationalFlag) != 0,
                WinnerTakeAllK = winners,
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The model file describes a network this library cannot build: {e.Message}", e);
        }

        return ReadParameters(ref reader, architecture, version);
    }

    private static AutoencoderModel ReadParameters(ref PayloadReader reader, AutoencoderArchitecture architecture, int version)
    {
        int count = reader.ReadInt32("parameter count");
        long expected;
        try
        {
            expected = architecture.Network.ParameterCount;
        }
        catch (ArgumentException)
        {
            // A valid architecture fails to build only when no array holds its parameters.
            expected = long.MaxValue;
        }

        if (count != expected)
        {
            string has = expected > Array.MaxLength ? $"more than {Array.MaxLength}" : $"{expected}";
            throw new InvalidDataException($"The model file's parameter count is {count}; the network {architecture} it describes has {has}.");
        }

        float[] parameters = reader.ReadFloats(count, "parameters");
        int nonFinite = FeatureMatrix.NonFiniteIndex(parameters);
        if (nonFinite >= 0)
        {
            throw new InvalidDataException($"The model file's parameter {nonFinite} is {parameters[nonFinite]}; every parameter must be finite.");
        }

        float[]? scales = version >= 3 ? ReadErrorScales(ref reader, architecture, allowNone: version >= 4) : null;
        CodeNeighbours? neighbours = version >= 4 ? ReadCodeNeighbours(ref reader, architecture, scales != null) : null;
        reader.ExpectEnd();
        try
        {
            return new AutoencoderModel(architecture, parameters, scales, neighbours);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The model file's network {architecture} cannot be built from its {count} parameters: {e.Message}", e);
        }
    }

    private static float[]? ReadErrorScales(ref PayloadReader reader, AutoencoderArchitecture architecture, bool allowNone)
    {
        int count = reader.ReadInt32("error scale count");
        if (count == 0 && allowNone)
        {
            return null;
        }

        if (count != architecture.InputSize || !architecture.Network.ScoresByReconstructionError)
        {
            throw new InvalidDataException($"The model file holds {count} error scales for the network {architecture}; expected one per input feature ({architecture.InputSize}), and none for a network that scores by likelihood (a variational one).");
        }

        float[] scales = reader.ReadFloats(count, "error scales");
        for (int j = 0; j < scales.Length; j++)
        {
            if (!(scales[j] >= AutoencoderModel.MinErrorScale && float.IsFinite(scales[j])))
            {
                throw new InvalidDataException($"The model file's error scale {j} is {scales[j]}; every scale must be finite and at least {AutoencoderModel.MinErrorScale}.");
            }
        }

        return scales;
    }

    /// <summary>The code neighbours of a version 4 file: every count checked against the network and the bytes present, every value finite, every table sorted.</summary>
    private static CodeNeighbours ReadCodeNeighbours(ref PayloadReader reader, AutoencoderArchitecture architecture, bool hasScales)
    {
        int neighbourCount = reader.ReadInt32("code neighbour count");
        int rows = reader.ReadInt32("code neighbour row count");
        if (neighbourCount < 1 || neighbourCount > CodeNeighbours.MaxNeighbourCount || rows <= neighbourCount || !architecture.Network.ScoresByReconstructionError)
        {
            throw new InvalidDataException($"The model file's code neighbours are {neighbourCount} of {rows} normal rows for the network {architecture}; expected 1 to {CodeNeighbours.MaxNeighbourCount} neighbours of more rows than that, and none for a variational network.");
        }

        if ((long)rows * architecture.CodeSize > Array.MaxLength)
        {
            throw new InvalidDataException($"The model file's {rows} normal codes of {architecture.CodeSize} values are more than one array holds.");
        }

        float[] codes = reader.ReadFloats(rows * architecture.CodeSize, "normal codes");
        int nonFinite = FeatureMatrix.NonFiniteIndex(codes);
        if (nonFinite >= 0)
        {
            throw new InvalidDataException($"The model file's normal code value {nonFinite} is {codes[nonFinite]}; every code value must be finite.");
        }

        float[] errors = ReadSortedTable(ref reader, rows, "normal errors");
        float[]? scaledErrors = hasScales ? ReadSortedTable(ref reader, rows, "normal scaled errors") : null;
        float[] distances = ReadSortedTable(ref reader, rows, "normal neighbour distances");
        float[] normalScores = ReadSortedTable(ref reader, rows, "normal leave-one-out scores");
        return new CodeNeighbours(neighbourCount, new NearestCodes(codes, architecture.CodeSize), errors, scaledErrors, distances, normalScores);
    }

    private static float[] ReadSortedTable(ref PayloadReader reader, int rows, string field)
    {
        float[] values = reader.ReadFloats(rows, field);
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0 && float.IsFinite(values[i])) || i > 0 && values[i] < values[i - 1])
            {
                throw new InvalidDataException($"The model file's {field} value {i} is {values[i]}; the values must be finite, at least 0 and sorted ascending.");
            }
        }

        return values;
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            writer.Write(value);
        }
    }

    /// <summary>Writes a convolutional layout: channels, height, width, code size, the encoder stages, then the decoder stages.</summary>
    internal static void WriteLayout(BinaryWriter writer, ConvolutionalLayout layout)
    {
        writer.Write(layout.Channels);
        writer.Write(layout.Height);
        writer.Write(layout.Width);
        writer.Write(layout.CodeSize);
        writer.Write(layout.Encoder.Count);
        foreach (ConvolutionStage stage in layout.Encoder)
        {
            writer.Write(stage.Channels);
            writer.Write(stage.Kernel);
            writer.Write(stage.Stride);
            writer.Write(stage.Padding);
            writer.Write(stage.Pool);
        }

        writer.Write(layout.Decoder.Count);
        foreach (DecoderStage stage in layout.Decoder)
        {
            writer.Write(stage.Channels);
            writer.Write(stage.Kernel);
            writer.Write(stage.Stride);
            writer.Write(stage.Padding);
            writer.Write(stage.Upsample);
            writer.Write(stage.Transposed ? 1 : 0);
        }
    }

    private static ConvolutionalLayout ReadLayout(ref PayloadReader reader)
    {
        int channels = reader.ReadPositive("input channels");
        int height = reader.ReadPositive("input height");
        int width = reader.ReadPositive("input width");
        int codeSize = reader.ReadInt32("convolutional code size");
        int encoderCount = reader.ReadInt32("encoder stage count");
        if (encoderCount <= 0 || encoderCount > MaxStageCount)
        {
            throw new InvalidDataException($"The model file's encoder stage count is {encoderCount}; expected 1 to {MaxStageCount}.");
        }

        var encoder = new ConvolutionStage[encoderCount];
        for (int i = 0; i < encoderCount; i++)
        {
            encoder[i] = new ConvolutionStage(reader.ReadPositive("stage channels"), reader.ReadPositive("stage kernel"), reader.ReadPositive("stage stride"), reader.ReadInt32("stage padding"), reader.ReadPositive("stage pool"));
        }

        int decoderCount = reader.ReadInt32("decoder stage count");
        if (decoderCount <= 0 || decoderCount > MaxStageCount)
        {
            throw new InvalidDataException($"The model file's decoder stage count is {decoderCount}; expected 1 to {MaxStageCount}.");
        }

        var decoder = new DecoderStage[decoderCount];
        for (int i = 0; i < decoderCount; i++)
        {
            decoder[i] = new DecoderStage(reader.ReadPositive("stage channels"), reader.ReadPositive("stage kernel"), reader.ReadPositive("stage stride"), reader.ReadInt32("stage padding"), reader.ReadPositive("stage upsampling"), reader.ReadInt32("stage transposed") != 0);
        }

        if ((long)channels * height * width > Array.MaxLength)
        {
            throw new InvalidDataException($"The model file's input shape {channels}x{height}x{width} is too large.");
        }

        return new ConvolutionalLayout(channels, height, width, encoder, codeSize, decoder);
    }

    private static void WriteSizes(BinaryWriter writer, IReadOnlyList<int> sizes)
    {
        writer.Write(sizes.Count);
        foreach (int size in sizes)
        {
            writer.Write(size);
        }
    }

    /// <summary>Reads the payload's fields, checking each against the bytes left and the range it must lie in.</summary>
    private ref struct PayloadReader(ReadOnlySpan<byte> payload)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private int _position;

        public int ReadInt32(string field)
        {
            if (_payload.Length - _position < 4)
            {
                throw new InvalidDataException($"The model file ends inside its {field}.");
            }

            int value = BinaryPrimitives.ReadInt32LittleEndian(_payload[_position..]);
            _position += 4;
            return value;
        }

        public int ReadPositive(string field)
        {
            int value = ReadInt32(field);
            if (value <= 0)
            {
                throw new InvalidDataException($"The model file's {field} is {value}; it must be positive.");
            }

            return value;
        }

        public int[] ReadSizes(string field)
        {
            int count = ReadInt32(field);
            if (count < 0 || count > MaxLayerCount || count > (_payload.Length - _position) / 4)
            {
                throw new InvalidDataException($"The model file's {field} count is {count}; expected 0 to {MaxLayerCount}, within the file.");
            }

            var sizes = new int[count];
            for (int i = 0; i < count; i++)
            {
                sizes[i] = ReadPositive(field);
            }

            return sizes;
        }

        public Activation ReadActivation(string field)
        {
            int value = ReadInt32(field);
            if (!Enum.IsDefined((Activation)value))
            {
                throw new InvalidDataException($"The model file's {field} is {value}, not a known activation (0 to {Enum.GetValues<Activation>().Length - 1}).");
            }

            return (Activation)value;
        }

        public float[] ReadFloats(int count, string field)
        {
            if ((long)count * 4 > _payload.Length - _position)
            {
                throw new InvalidDataException($"The model file ends inside its {field}: {count} values announced, {(_payload.Length - _position) / 4} present.");
            }

            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(_payload[(_position + i * 4)..]);
            }

            _position += count * 4;
            return values;
        }

        public readonly void ExpectEnd()
        {
            if (_position != _payload.Length)
            {
                throw new InvalidDataException($"The model file has {_payload.Length - _position} unexpected bytes after its parameters.");
            }
        }
    }
}
