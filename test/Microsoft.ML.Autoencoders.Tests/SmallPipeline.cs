using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// A small pipeline for the persistence tests: min-max normalization, an autoencoder with validation data, and a
/// concatenation of its code and score, so that a pipeline file holds ML.NET segments on both sides of an autoencoder.
/// </summary>
internal static class SmallPipeline
{
    /// <summary>Every column the pipeline reads or writes, for bit-for-bit comparisons.</summary>
    public static readonly string[] Columns = ["Features", "Encoded", "Reconstruction", "Score", "PredictedLabel", "FeatureErrors", "CodeAndScore"];

    /// <summary>
    /// Fits the pipeline on <paramref name="rows"/> rows of <paramref name="width"/> features: an autoencoder of
    /// <paramref name="width"/>/2 hidden units and a code of <paramref name="width"/>/4, trained for <paramref name="epochs"/>
    /// epochs with a fifth of the rows held out for validation.
    /// </summary>
    public static ITransformer Fit(MLContext mlContext, int width = 8, int rows = 200, int epochs = 3, int seed = 5)
    {
        var options = new AutoencoderEstimator.Options
        {
            CodeSize = width / 4,
            EncoderHiddenSizes = [width / 2],
            Epochs = epochs,
            BatchSize = 32,
            LearningRate = 1e-2f,
            ValidationFraction = 0.2f,
            Seed = seed,
        };
        return mlContext.Transforms.NormalizeMinMax("Features")
            .Append(mlContext.Autoencoders.Autoencoder(options))
            .Append(mlContext.Transforms.Concatenate("CodeAndScore", "Encoded", "Score"))
            .Fit(Data(mlContext, width, rows, seed: 3));
    }

    /// <summary><paramref name="rows"/> rows of <paramref name="width"/> features, feature j uniform in [j mod 3, j mod 3 + 4).</summary>
    public static IDataView Data(MLContext mlContext, int width, int rows, int seed)
    {
        var random = new Random(seed);
        Row[] data = Enumerable.Range(0, rows)
            .Select(_ => new Row { Features = Enumerable.Range(0, width).Select(j => (float)(random.NextDouble() * 4 + j % 3)).ToArray() })
            .ToArray();
        SchemaDefinition schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return mlContext.Data.LoadFromEnumerable(data, schema);
    }

    /// <summary>A row of features.</summary>
    public sealed class Row
    {
        /// <summary>The features.</summary>
        public float[] Features { get; set; } = [];
    }
}
