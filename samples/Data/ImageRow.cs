using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>One Fashion-MNIST image as an ML.NET row (<see cref="FashionMnist.ReadRows"/> makes them).</summary>
public sealed record ImageRow
{
    /// <summary>The row's number in its file.</summary>
    public uint Id { get; set; }

    /// <summary>The class, 0 to 9 (<see cref="FashionMnist.ClassNames"/>).</summary>
    public float Class { get; set; }

    /// <summary>1 for an anomaly, 0 for a normal image: the label ML.NET's anomaly evaluator reads. The loader leaves it 0.</summary>
    public float Label { get; set; }

    /// <summary>The pixels, row by row, scaled to [0, 1].</summary>
    [VectorType(FashionMnist.Pixels)]
    public float[] Features { get; set; } = [];
}
