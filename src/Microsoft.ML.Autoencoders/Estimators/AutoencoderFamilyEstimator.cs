using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The common part of the named members of the family (<see cref="DenoisingAutoencoderEstimator"/>, <see cref="VaeEstimator"/>,
/// <see cref="ConvolutionalAutoencoderEstimator"/>): each is an <see cref="AutoencoderEstimator"/> whose options define the
/// member, and produces the same <see cref="AutoencoderTransformer"/>.
/// </summary>
public abstract class AutoencoderFamilyEstimator : IEstimator<AutoencoderTransformer>
{
    private readonly AutoencoderEstimator _estimator;

    private protected AutoencoderFamilyEstimator(MLContext mlContext, AutoencoderEstimator.Options options) =>
        _estimator = new AutoencoderEstimator(mlContext, options);

    /// <inheritdoc cref="AutoencoderEstimator.GetOutputSchema(SchemaShape)"/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _estimator.GetOutputSchema(inputSchema);

    /// <inheritdoc cref="AutoencoderEstimator.Fit(IDataView)"/>
    public AutoencoderTransformer Fit(IDataView input) => _estimator.Fit(input);

    /// <inheritdoc cref="AutoencoderEstimator.Fit(IDataView, IDataView?)"/>
    public AutoencoderTransformer Fit(IDataView input, IDataView? validationData) => _estimator.Fit(input, validationData);

    /// <inheritdoc cref="AutoencoderEstimator.Fit(IDataView, IDataView?, CancellationToken)"/>
    public AutoencoderTransformer Fit(IDataView input, IDataView? validationData, CancellationToken cancellationToken) =>
        _estimator.Fit(input, validationData, cancellationToken);
}
