using System.Text;

namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>
/// The binary format of a <see cref="FineTunedClassifier"/>, little-endian: the magic <c>MLAECLS1</c>, the format version, the head, the class
/// count, the encoder's layers (inputs, outputs, activation each), then the encoder's and the head's parameters, each as a count and floats.
/// </summary>
internal static class ClassifierFile
{
    private const int Version = 1;
    private static readonly byte[] Magic = "MLAECLS1"u8.ToArray();

    public static void Write(FineTunedClassifier classifier, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((int)classifier.Head);
        writer.Write(classifier.ClassCount);
        writer.Write(classifier.Network.EncoderLayers.Count);
        foreach (Layers.DenseLayer layer in classifier.Network.EncoderLayers)
        {
            writer.Write(layer.InputSize);
            writer.Write(layer.OutputSize);
            writer.Write((int)layer.Activation);
        }

        WriteFloats(writer, classifier.EncoderParameters);
        WriteFloats(writer, classifier.HeadParameters);
    }

    public static FineTunedClassifier Read(Stream stream)
    {
        try
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("This is not a fine-tuned classifier file: it does not start with MLAECLS1. Save classifiers with FineTunedClassifier.Save.");
            }

            int version = reader.ReadInt32();
            if (version < 1 || version > Version)
            {
                throw new InvalidDataException($"The classifier file has format version {version}; this version reads 1 to {Version}. A newer version wrote it: upgrade to load it.");
            }

            var head = (ClassifierHead)reader.ReadInt32();
            int classCount = reader.ReadInt32();
            int layerCount = reader.ReadInt32();
            if (!Enum.IsDefined(head) || classCount < 2 || (head == ClassifierHead.Logistic && classCount != 2) || layerCount < 1 || layerCount > 64)
            {
                throw new InvalidDataException($"The classifier file is damaged: head {head}, {classCount} classes, {layerCount} encoder layers.");
            }

            var shapes = new (int, int, Activation)[layerCount];
            for (int i = 0; i < layerCount; i++)
            {
                int inputs = reader.ReadInt32(), outputs = reader.ReadInt32();
                var activation = (Activation)reader.ReadInt32();
                if (inputs <= 0 || outputs <= 0 || !Enum.IsDefined(activation) || (i > 0 && inputs != shapes[i - 1].Item2))
                {
                    throw new InvalidDataException($"The classifier file is damaged: encoder layer {i} is {inputs} x {outputs} with activation {activation}.");
                }

                shapes[i] = (inputs, outputs, activation);
            }

            var network = new ClassifierNetwork(shapes, head, classCount);
            return new FineTunedClassifier(network, ReadFloats(reader, network.EncoderParameterCount, "encoder"), ReadFloats(reader, network.HeadParameterCount, "head"));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The classifier file is truncated.", e);
        }
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    private static float[] ReadFloats(BinaryReader reader, int expected, string part)
    {
        int count = reader.ReadInt32();
        if (count != expected)
        {
            throw new InvalidDataException($"The classifier file is damaged: it holds {count} {part} parameters where its layers need {expected}.");
        }

        var values = new float[count];
        byte[] bytes = reader.ReadBytes(count * sizeof(float));
        if (bytes.Length != count * sizeof(float))
        {
            throw new EndOfStreamException();
        }

        bytes.AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        int nonFinite = FeatureMatrix.NonFiniteIndex(values);
        if (nonFinite >= 0)
        {
            throw new InvalidDataException($"The classifier file is damaged: its {part} parameter {nonFinite} is {values[nonFinite]}; every parameter must be finite.");
        }

        return values;
    }
}
