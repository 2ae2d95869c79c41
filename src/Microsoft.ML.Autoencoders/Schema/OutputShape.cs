using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Schema;

/// <summary>
/// Builds the <see cref="SchemaShape"/> an autoencoder estimator outputs. ML.NET 5 keeps both the constructor of
/// <see cref="SchemaShape.Column"/> and <c>SchemaShape.Create(DataViewSchema)</c> internal, so the shapes of the new
/// columns come from the public schema propagation of a never-fitted, never-saved CustomMapping estimator whose output
/// type declares them; they are then combined with the input's columns through the public
/// <see cref="SchemaShape(IEnumerable{SchemaShape.Column})"/> constructor.
/// </summary>
internal static class OutputShape
{
    /// <summary>The input's columns (minus those the outputs shadow), then the output columns.</summary>
    public static SchemaShape Combine(MLContext mlContext, SchemaShape input, AutoencoderColumns columns)
    {
        var definition = SchemaDefinition.Create(typeof(OutputRow), SchemaDefinition.Direction.Write);
        Keep(definition, nameof(OutputRow.Encoded), columns.EncodedColumnName, new VectorDataViewType(NumberDataViewType.Single, 1));
        Keep(definition, nameof(OutputRow.Reconstruction), columns.ReconstructionColumnName, new VectorDataViewType(NumberDataViewType.Single, 1));
        Keep(definition, nameof(OutputRow.Score), columns.ScoreColumnName, NumberDataViewType.Single);
        Keep(definition, nameof(OutputRow.PredictedLabel), columns.PredictedLabelColumnName, BooleanDataViewType.Instance);
        Keep(definition, nameof(OutputRow.FeatureErrors), columns.FeatureErrorsColumnName, new VectorDataViewType(NumberDataViewType.Single, 1));

        var shapes = mlContext.Transforms
            .CustomMapping<EmptyRow, OutputRow>(static (_, _) => { }, contractName: null, outputSchemaDefinition: definition)
            .GetOutputSchema(new SchemaShape([]))
            .ToList();
        var added = new HashSet<string>(shapes.Select(c => c.Name), StringComparer.Ordinal);
        return new SchemaShape(input.Where(c => !added.Contains(c.Name)).Concat(shapes));
    }

    private static void Keep(SchemaDefinition definition, string member, string? name, DataViewType type)
    {
        SchemaDefinition.Column column = definition.Single(c => c.MemberName == member);
        if (string.IsNullOrEmpty(name))
        {
            definition.Remove(column);
            return;
        }

        column.ColumnName = name;
        column.ColumnType = type;
    }

    /// <summary>No input columns.</summary>
    internal sealed class EmptyRow
    {
    }

    /// <summary>One field per output column; only its types matter.</summary>
    internal sealed class OutputRow
    {
        /// <summary>The code.</summary>
        public float[] Encoded = [];

        /// <summary>The reconstruction.</summary>
        public float[] Reconstruction = [];

        /// <summary>The score.</summary>
        public float Score;

        /// <summary>The predicted label.</summary>
        public bool PredictedLabel;

        /// <summary>The per-feature errors.</summary>
        public float[] FeatureErrors = [];
    }
}
