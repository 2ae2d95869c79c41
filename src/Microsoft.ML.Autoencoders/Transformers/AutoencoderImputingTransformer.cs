using Microsoft.ML.Autoencoders.DataViews;
using Microsoft.ML.Autoencoders.Schema;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// A trained autoencoder imputer as an ML.NET transformer: it writes the input column, a known-size float vector whose NaN values are
/// missing, to the output column with every NaN filled (see <see cref="AutoencoderImputer"/>) and every other value copied bit for bit.
/// When the output column has the input's name it replaces it. Rows are read ahead and filled a batch at a time. Immutable and safe to
/// use from many threads at once.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> cannot store this transformer (ML.NET 5 lets only its own assemblies write model files); save pipelines
/// holding it with <see cref="AutoencoderCatalog.SaveModel(ITransformer, DataViewSchema, string)"/>.
/// </remarks>
public sealed class AutoencoderImputingTransformer : ITransformer
{
    /// <summary>Wraps a trained imputer.</summary>
    /// <param name="imputer">The trained imputer.</param>
    /// <param name="inputColumnName">The column whose missing values to fill.</param>
    /// <param name="outputColumnName">The filled column; null or empty (or the input's name) replaces the input column.</param>
    /// <param name="trainingHistory">The per-epoch reports of the training that produced <paramref name="imputer"/>, if known.</param>
    /// <exception cref="ArgumentException"><paramref name="inputColumnName"/> is empty.</exception>
    public AutoencoderImputingTransformer(AutoencoderImputer imputer, string inputColumnName = AutoencoderColumnNames.Features, string? outputColumnName = null, IReadOnlyList<EpochReport>? trainingHistory = null)
    {
        ArgumentNullException.ThrowIfNull(imputer);
        if (string.IsNullOrEmpty(inputColumnName))
        {
            throw new ArgumentException("The input column name is empty; name the column whose missing values to fill.", nameof(inputColumnName));
        }

        Imputer = imputer;
        InputColumnName = inputColumnName;
        OutputColumnName = string.IsNullOrEmpty(outputColumnName) ? inputColumnName : outputColumnName;
        TrainingHistory = trainingHistory?.ToArray() ?? [];
    }

    /// <summary>The trained engine imputer; use it directly for span-based batched imputation.</summary>
    public AutoencoderImputer Imputer { get; }

    /// <summary>The column whose missing values are filled.</summary>
    public string InputColumnName { get; }

    /// <summary>The filled column (the input's name when it replaces it).</summary>
    public string OutputColumnName { get; }

    /// <summary>One report per training epoch (empty when unknown).</summary>
    public IReadOnlyList<EpochReport> TrainingHistory { get; }

    /// <summary>Always true: the transformer maps rows one to one, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The schema of the data <see cref="Transform"/> returns for input of schema <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or not a float vector of the imputer's size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new ImputingBinding(this, inputSchema).OutputSchema;

    /// <summary>Adds the filled column to <paramref name="input"/>, lazily: nothing is computed until a cursor reads rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or not a float vector of the imputer's size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchingDataView(new ImputingBinding(this, input.Schema), input);
    }

    /// <summary>A row-to-row mapper for input of schema <paramref name="inputSchema"/>, as <c>PredictionEngine</c> uses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or not a float vector of the imputer's size.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchingRowMapper(new ImputingBinding(this, inputSchema));

    /// <summary>Always throws: see the remarks of <see cref="AutoencoderImputingTransformer"/>.</summary>
    /// <exception cref="NotSupportedException">Always, with the call to use instead.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(AutoencoderTransformer.SaveMessage.Replace("AutoencoderTransformer", nameof(AutoencoderImputingTransformer)).Replace("the autoencoder", "the imputer"));
}
