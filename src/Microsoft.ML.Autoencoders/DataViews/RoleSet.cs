namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>A small set of <see cref="OutputRole"/> values.</summary>
internal struct RoleSet
{
    private int _bits;

    public void Add(OutputRole role) => _bits |= 1 << (int)role;

    public readonly bool Contains(OutputRole role) => (_bits & (1 << (int)role)) != 0;
}
