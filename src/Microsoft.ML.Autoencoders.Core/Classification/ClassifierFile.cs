using System.Text;
using Microsoft.ML.Autoencoders.IO;

namespace Microsoft.ML.Autoencoders.Classification;

/// <summary>
/// The binary format of a <see cref="FineTunedClassifier"/>, little-endian, in the library's checksummed envelope (<see cref="ChecksummedFile"/>,
/// kind 2, format version 1): the payload is the head, the class count, the encoder's layers (inputs, outputs, activation each), then the
/// encoder's and the head's parameters, each as a count and floats.
/// </summary>
internal static class ClassifierFile
{
    private const int Version = 1;

    public static void Write(FineTunedClassifier classifier, Stream stream)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            WritePayload(classifier, writer);
        }

        ChecksummedFile.Write(stream, Version, ChecksummedFile.FineTunedClassifierKind, payload.ToArray());
    }

    private static void WritePayload(FineTunedClassifier classifier, BinaryWriter writer)
    {
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
        byte[] payload = ChecksummedFile.Read(stream, ChecksummedFile.FineTunedClassifierKind, Version, out _);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
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
            var classifier = new FineTunedClassifier(network, ReadFloats(reader, network.EncoderParameterCount, "encoder"), ReadFloats(reader, network.HeadParameterCount, "head"));
            if (reader.BaseStream.Position != payload.Length)
            {
                throw new InvalidDataException($"The classifier file is damaged: {payload.Length - reader.BaseStream.Position} bytes follow its parameters.");
            }

            return classifier;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The classifier file is damaged: its payload ends inside a field.", e);
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
