using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The ONNX route to ML.NET's own persistence: <c>mlContext.Autoencoders.ToOnnxTransformer(model, "model.onnx")</c> turns a fitted autoencoder,
/// or a fitted pipeline holding one, into ML.NET transformers only (<c>ApplyOnnxModel</c> on ONNX Runtime and a saved custom mapping), so
/// <c>mlContext.Model.Save</c> stores it with the ONNX model inside the zip. Before <c>mlContext.Model.Load</c>, register this assembly:
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScalarsMapping).Assembly)</c>.
/// </summary>
public static class AutoencoderCatalogOnnxExtensions
{
    /// <summary>
    /// Exports <paramref name="transformer"/> to <paramref name="onnxPath"/> and returns ML.NET transformers that add the same columns with the
    /// same types and values (within 1e-5): ML.NET's ONNX transformer over the file, then a custom mapping that turns its one-element score and
    /// label vectors into scalars. It runs one row at a time, where the autoencoder transformer runs batches (see the README for the speeds).
    /// </summary>
    /// <param name="catalog">The autoencoder catalog.</param>
    /// <param name="transformer">The fitted autoencoder.</param>
    /// <param name="onnxPath">Where the ONNX file is written; ML.NET reads it now and embeds it in any zip it saves.</param>
    /// <exception cref="InvalidOperationException">The model's weights exceed what one ONNX file holds (2 GB).</exception>
    public static TransformerChain<ITransformer> ToOnnxTransformer(this AutoencoderCatalog catalog, AutoencoderTransformer transformer, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        MLContext mlContext = catalog.Context;
        AutoencoderColumns columns = transformer.Columns;

        // Score and label always leave the graph under the mapping's names; they are copied to the transformer's names when it has them.
        OnnxExportOptions options = transformer.OnnxExportOptions with
        {
            ScoreName = OnnxScalarsMapping.ScoreVectorColumn, PredictedLabelName = OnnxScalarsMapping.LabelVectorColumn, SingleRow = true,
        };
        transformer.Model.ExportOnnx(onnxPath, options);

        var copies = new List<InputOutputColumnPair>();
        if (!string.IsNullOrEmpty(columns.ScoreColumnName))
        {
            copies.Add(new(columns.ScoreColumnName, OnnxScalarsMapping.ScoreColumn));
        }

        if (!string.IsNullOrEmpty(columns.PredictedLabelColumnName))
        {
            copies.Add(new(columns.PredictedLabelColumnName, OnnxScalarsMapping.LabelColumn));
        }

        IEstimator<ITransformer> estimator = mlContext.Transforms.ApplyOnnxModel(options.OutputNames.ToArray(), [options.InputName], onnxPath)
            .Append(mlContext.Transforms.CustomMapping(new OnnxScalarsMapping().GetMapping(), OnnxScalarsMapping.ContractName));
        foreach (InputOutputColumnPair copy in copies)
        {
            estimator = estimator.Append(mlContext.Transforms.CopyColumns(copy.OutputColumnName, copy.InputColumnName));
        }

        estimator = estimator.Append(mlContext.Transforms.DropColumns(
            OnnxScalarsMapping.ScoreVectorColumn, OnnxScalarsMapping.LabelVectorColumn, OnnxScalarsMapping.ScoreColumn, OnnxScalarsMapping.LabelColumn));
        ITransformer fitted = estimator.Fit(EmptyFeatures(mlContext, options.InputName, transformer.Model.InputSize));
        return new TransformerChain<ITransformer>(fitted);
    }

    /// <summary>
    /// A copy of the fitted pipeline <paramref name="model"/> (an <see cref="AutoencoderTransformer"/>, or a chain of transformers holding exactly one,
    /// at any depth) whose autoencoder is replaced by <see cref="ToOnnxTransformer(AutoencoderCatalog, AutoencoderTransformer, string)"/>'s ML.NET
    /// transformers; every other transformer is kept as it is. <c>mlContext.Model.Save</c> stores the result.
    /// </summary>
    /// <param name="catalog">The autoencoder catalog.</param>
    /// <param name="model">The fitted pipeline, such as <c>pipeline.Fit(data)</c> or what <c>mlContext.Autoencoders.LoadModel</c> returns.</param>
    /// <param name="onnxPath">Where the autoencoder's ONNX file is written.</param>
    /// <exception cref="ArgumentException">The pipeline holds no autoencoder, or more than one.</exception>
    public static ITransformer ToOnnxTransformer(this AutoencoderCatalog catalog, ITransformer model, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        int found = Count(model);
        if (found != 1)
        {
            throw new ArgumentException(
                $"The pipeline holds {found} AutoencoderTransformers; ToOnnxTransformer replaces exactly one (convert a pipeline with several a part at a time, each to its own file).", nameof(model));
        }

        return Replace(catalog, model, onnxPath);
    }

    private static int Count(ITransformer model) => model switch
    {
        AutoencoderTransformer => 1,
        IEnumerable<ITransformer> chain => chain.Sum(Count),
        _ => 0,
    };

    private static ITransformer Replace(AutoencoderCatalog catalog, ITransformer model, string onnxPath) => model switch
    {
        AutoencoderTransformer autoencoder => catalog.ToOnnxTransformer(autoencoder, onnxPath),
        IEnumerable<ITransformer> chain => new TransformerChain<ITransformer>(chain.Select(part => Replace(catalog, part, onnxPath)).ToArray()),
        _ => model,
    };

    /// <summary>No rows, with the feature column's type, to fit the transformers on.</summary>
    private static IDataView EmptyFeatures(MLContext mlContext, string column, int size)
    {
        SchemaDefinition definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[0].ColumnName = column;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return mlContext.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), definition);
    }

    /// <summary>The feature column, to fit on no rows.</summary>
    private sealed class FeatureRow
    {
        public float[] Features = [];
    }
}
