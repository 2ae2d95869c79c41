using Microsoft.ML.Autoencoders.DataViews;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// A trained autoencoder as an ML.NET transformer. It adds, to every row of a known-size float vector column, the code
/// (<see cref="AutoencoderColumns.EncodedColumnName"/>), the reconstruction, the anomaly score (the mean squared
/// reconstruction error, higher is more anomalous), the predicted label (score above <see cref="Threshold"/>) and each
/// feature's squared error; columns whose names are null or empty are not produced. A row holding NaN, an infinity or a
/// magnitude above <see cref="FeatureMatrix.MaxMagnitude"/> scores <see cref="AutoencoderModel.UnusableRowScore"/>
/// (<see cref="float.MaxValue"/>, finite so that ML.NET's evaluator counts it), is predicted an anomaly under every threshold
/// below that, and its feature errors are +infinity at exactly those features and NaN elsewhere. Rows are read ahead and run
/// through the model a batch at a time. Immutable and safe to use from many threads at once.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> cannot store this transformer (ML.NET 5 lets only its own assemblies write model
/// files); save pipelines holding it with <see cref="AutoencoderCatalog.SaveModel(ITransformer, DataViewSchema, string)"/>
/// and load them with <see cref="AutoencoderCatalog.LoadModel(string, out DataViewSchema)"/>, or convert them to ML.NET's ONNX transformer
/// with <c>mlContext.Autoencoders.ToOnnxTransformer</c> (package Microsoft.ML.Autoencoders.Onnx), which <c>mlContext.Model.Save</c> stores.
/// </remarks>
public sealed partial class AutoencoderTransformer : ITransformer
{
    /// <summary>What <see cref="ICanSaveModel.Save"/> says instead of saving.</summary>
    internal const string SaveMessage =
        "AutoencoderTransformer cannot be saved with mlContext.Model.Save: ML.NET 5 keeps model-file writing (ModelSaveContext) to its own assemblies. " +
        "Save the whole pipeline with mlContext.Autoencoders.SaveModel(model, inputSchema, path) and load it with mlContext.Autoencoders.LoadModel(path, out inputSchema); " +
        "ML.NET transforms before and after the autoencoder are saved with it. To use mlContext.Model.Save itself, convert the pipeline with " +
        "mlContext.Autoencoders.ToOnnxTransformer(model, onnxPath) from the Microsoft.ML.Autoencoders.Onnx package (ONNX Runtime, one row at a time).";

    /// <summary>Wraps a trained engine model.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="threshold">Scores above it are predicted anomalies; <see cref="float.PositiveInfinity"/> flags nothing.</param>
    /// <param name="columns">The columns to read and write; null for the defaults.</param>
    /// <param name="trainingHistory">The per-epoch reports of the training that produced <paramref name="model"/>, if known.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN.</exception>
    /// <exception cref="ArgumentException">A column name is missing or repeated, or every output column is switched off.</exception>
    public AutoencoderTransformer(AutoencoderModel model, float threshold, AutoencoderColumns? columns = null, IReadOnlyList<EpochReport>? trainingHistory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckThreshold(threshold);
        columns ??= new AutoencoderColumns();
        columns.Validate();
        Model = model;
        Threshold = threshold;
        Columns = columns;
        TrainingHistory = trainingHistory?.ToArray() ?? [];
    }

    /// <summary>The trained engine model; use it directly for span-based batched inference.</summary>
    public AutoencoderModel Model { get; }

    /// <summary>Rows whose score is above it are predicted anomalies.</summary>
    public float Threshold { get; }

    /// <summary>The columns this transformer reads and writes.</summary>
    public AutoencoderColumns Columns { get; }

    /// <summary>One report per training epoch: the loss curves (empty when unknown).</summary>
    /// <remarks>
    /// A pipeline file keeps the deterministic figures of each report (epoch, epochs planned, losses, learning rate) and
    /// not the wall-clock ones, so that the same seed and data give the same file: in a transformer loaded with
    /// <see cref="AutoencoderCatalog.LoadModel(string, out DataViewSchema)"/>, <see cref="EpochReport.SamplesPerSecond"/> is 0
    /// and <see cref="EpochReport.Elapsed"/> is <see cref="TimeSpan.Zero"/>.
    /// </remarks>
    public IReadOnlyList<EpochReport> TrainingHistory { get; }

    /// <summary>Always true: the transformer maps rows one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>A copy of this transformer that flags scores above <paramref name="threshold"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN.</exception>
    public AutoencoderTransformer WithThreshold(float threshold) => new(Model, threshold, Columns, TrainingHistory);

    /// <summary>The schema of the data <see cref="Transform"/> returns for input of schema <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or not a float vector of the model's input size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new AutoencoderBinding(this, inputSchema).OutputSchema;

    /// <summary>Adds the autoencoder's columns to <paramref name="input"/>, lazily: nothing is computed until a cursor reads rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or not a float vector of the model's input size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchingDataView(new AutoencoderBinding(this, input.Schema), input);
    }

    /// <summary>A row-to-row mapper for input of schema <paramref name="inputSchema"/>, as <c>PredictionEngine</c> uses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, or not a float vector of the model's input size.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchingRowMapper(new AutoencoderBinding(this, inputSchema));

    /// <summary>Always throws: see the remarks of <see cref="AutoencoderTransformer"/>.</summary>
    /// <exception cref="NotSupportedException">Always, with the call to use instead.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(SaveMessage);

    private static void CheckThreshold(float threshold)
    {
        if (float.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold is NaN; give a number (scores above it are anomalies), or +infinity to flag nothing.");
        }
    }
}
