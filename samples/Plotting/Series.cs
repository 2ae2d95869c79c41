namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>A named line of a <see cref="Charts.LineChart"/>: its points' x and y values; a non-finite y leaves that point out.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
