using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Turns the one-element vectors in which ML.NET's ONNX transformer hands out a row's score and label into the scalars that ML.NET's anomaly
/// detection evaluator and the autoencoder transformer give. A custom mapping with a contract name, so <c>mlContext.Model.Save</c> stores it;
/// <c>mlContext.Model.Load</c> finds it once <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScalarsMapping).Assembly)</c> has run.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class OnnxScalarsMapping : CustomMappingFactory<OnnxScalarsMapping.Vectors, OnnxScalarsMapping.Scalars>
{
    /// <summary>The contract name under which ML.NET saves and finds this mapping.</summary>
    public const string ContractName = "Microsoft.ML.Autoencoders.OnnxScalars";

    /// <summary>The column of the ONNX transformer's one-element score vector.</summary>
    public const string ScoreVectorColumn = "AutoencoderOnnxScoreVector";

    /// <summary>The column of the ONNX transformer's one-element label vector.</summary>
    public const string LabelVectorColumn = "AutoencoderOnnxLabelVector";

    /// <summary>The column of the scalar score.</summary>
    public const string ScoreColumn = "AutoencoderOnnxScore";

    /// <summary>The column of the scalar label.</summary>
    public const string LabelColumn = "AutoencoderOnnxLabel";

    /// <summary>Copies the one element of each vector.</summary>
    public override Action<Vectors, Scalars> GetMapping() => Map;

    /// <summary>Copies the one element of each vector.</summary>
    public static void Map(Vectors input, Scalars output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.AutoencoderOnnxScore = input.AutoencoderOnnxScoreVector[0];
        output.AutoencoderOnnxLabel = input.AutoencoderOnnxLabelVector[0];
    }

    /// <summary>The ONNX transformer's outputs, as one-element vectors.</summary>
    public sealed class Vectors
    {
        /// <summary>The score, as a one-element vector.</summary>
        [VectorType(1)]
        public float[] AutoencoderOnnxScoreVector { get; set; } = [];

        /// <summary>The predicted label, as a one-element vector.</summary>
        [VectorType(1)]
        public bool[] AutoencoderOnnxLabelVector { get; set; } = [];
    }

    /// <summary>The score and label as scalars.</summary>
    public sealed class Scalars
    {
        /// <summary>The score.</summary>
        public float AutoencoderOnnxScore { get; set; }

        /// <summary>The predicted label.</summary>
        public bool AutoencoderOnnxLabel { get; set; }
    }
}
