using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Schema;

/// <summary>
/// The <see cref="SchemaShape"/> a <see cref="FineTunedClassifierEstimator"/> outputs, built as <see cref="OutputShape"/> builds the autoencoder's
/// (through a never-fitted CustomMapping, since ML.NET keeps the constructor of <see cref="SchemaShape.Column"/> internal): a multiclass
/// classifier adds a vector Score and a key PredictedLabel (of two values here: a shape does not carry key counts), a binary one a Score, a Probability and a Boolean PredictedLabel.
/// </summary>
internal static class ClassifierOutputShape
{
    /// <summary>The input's columns (minus those the outputs shadow), then the output columns.</summary>
    /// <param name="mlContext">The context whose CustomMapping builds the shapes.</param>
    /// <param name="input">The input's shape.</param>
    /// <param name="binary">Whether the label is a <see cref="bool"/> rather than a key.</param>
    /// <param name="keyValues">Whether the label key has key values, which PredictedLabel then carries too (so <c>MapKeyToValue</c> accepts it).</param>
    public static SchemaShape Combine(MLContext mlContext, SchemaShape input, bool binary, bool keyValues)
    {
        IEnumerable<SchemaShape.Column> shapes = binary
            ? Shapes<OutputShape.EmptyRow, BinaryRow>(mlContext, null)
            : Shapes<OutputShape.EmptyRow, MulticlassRow>(mlContext, definition =>
            {
                definition[nameof(MulticlassRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
                SchemaDefinition.Column predicted = definition[nameof(MulticlassRow.PredictedLabel)];
                predicted.ColumnType = new KeyDataViewType(typeof(uint), 2);
                if (keyValues)
                {
                    predicted.AddAnnotation(ClassNames.KeyValuesKind, new VBuffer<ReadOnlyMemory<char>>(2, ["0".AsMemory(), "1".AsMemory()]), new VectorDataViewType(TextDataViewType.Instance, 2));
                }
            });
        var added = new HashSet<string>(shapes.Select(c => c.Name), StringComparer.Ordinal);
        return new SchemaShape(input.Where(c => !added.Contains(c.Name)).Concat(shapes));
    }

    private static List<SchemaShape.Column> Shapes<TIn, TOut>(MLContext mlContext, Action<SchemaDefinition>? adjust)
        where TIn : class, new()
        where TOut : class, new()
    {
        var definition = SchemaDefinition.Create(typeof(TOut), SchemaDefinition.Direction.Write);
        adjust?.Invoke(definition);
        return mlContext.Transforms.CustomMapping<TIn, TOut>(static (_, _) => { }, contractName: null, outputSchemaDefinition: definition)
            .GetOutputSchema(new SchemaShape([])).ToList();
    }

    /// <summary>A multiclass classifier's columns; only their types matter.</summary>
    internal sealed class MulticlassRow
    {
        /// <summary>The class probabilities.</summary>
        public float[] Score = [];

        /// <summary>The most probable class, as a key.</summary>
        public uint PredictedLabel;
    }

    /// <summary>A binary classifier's columns; only their types matter.</summary>
    internal sealed class BinaryRow
    {
        /// <summary>The logit.</summary>
        public float Score;

        /// <summary>The probability of true.</summary>
        public float Probability;

        /// <summary>Whether the probability is above one half.</summary>
        public bool PredictedLabel;
    }
}
