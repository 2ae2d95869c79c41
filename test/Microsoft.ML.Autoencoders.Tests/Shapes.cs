namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// Schema shapes for tests. <c>SchemaShape.Create</c> is internal to ML.NET, so the shape of a row type comes from the
/// public schema propagation of a CustomMapping estimator that produces that type.
/// </summary>
internal static class Shapes
{
    /// <summary>The shape of the columns of <typeparamref name="T"/>.</summary>
    public static SchemaShape Of<T>(MLContext mlContext) where T : class, new() =>
        mlContext.Transforms.CustomMapping<Empty, T>(static (_, _) => { }, contractName: null).GetOutputSchema(new SchemaShape([]));

    /// <summary>No columns.</summary>
    public sealed class Empty
    {
    }
}
