namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// One tensor of a network's parameters inside the flat parameter vector: <see cref="Length"/> values from <see cref="Offset"/>, which read
/// row-major with <see cref="Shape"/> give the tensor in the engine's axis order (<see cref="Kind"/> says what the axes are).
/// </summary>
public sealed class ParameterBlock
{
    internal ParameterBlock(ParameterBlockKind kind, int layerIndex, int offset, int[] shape)
    {
        Kind = kind;
        LayerIndex = layerIndex;
        Offset = offset;
        Shape = shape;
        Length = shape.Aggregate(1, (product, size) => product * size);
    }

    /// <summary>What the block holds.</summary>
    public ParameterBlockKind Kind { get; }

    /// <summary>The index in <see cref="ParameterLayout.Layers"/> of the layer the block belongs to.</summary>
    public int LayerIndex { get; }

    /// <summary>Where the block starts in the flat parameter vector.</summary>
    public int Offset { get; }

    /// <summary>How many values the block holds: the product of <see cref="Shape"/>.</summary>
    public int Length { get; }

    /// <summary>The tensor's sizes in the engine's axis order, slowest-varying first.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} of layer {LayerIndex}: [{string.Join(", ", Shape)}] at {Offset}";
}
