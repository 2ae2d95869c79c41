namespace Microsoft.ML.Autoencoders;

/// <summary>ONNX export of a fitted transformer, under its column names and at its threshold.</summary>
public sealed partial class AutoencoderTransformer
{
    /// <summary>
    /// The export's input and output names (this transformer's columns; a column switched off is left out) and <see cref="Threshold"/>, for
    /// <see cref="AutoencoderModel.ExportOnnx(Stream, OnnxExportOptions)"/>.
    /// </summary>
    public OnnxExportOptions OnnxExportOptions => new()
    {
        InputName = Columns.FeatureColumnName,
        EncodedName = Columns.EncodedColumnName,
        ReconstructionName = Columns.ReconstructionColumnName,
        ScoreName = Columns.ScoreColumnName,
        PredictedLabelName = Columns.PredictedLabelColumnName,
        FeatureErrorsName = Columns.FeatureErrorsColumnName,
        Threshold = Threshold,
    };

    /// <summary>
    /// Writes the model as an ONNX graph whose input and outputs carry this transformer's column names and whose predicted label uses its
    /// <see cref="Threshold"/>: the same values as <see cref="Transform"/> gives, in any ONNX runtime (see
    /// <see cref="AutoencoderModel.ExportOnnx(Stream, OnnxExportOptions)"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model's weights exceed what one ONNX file holds (2 GB).</exception>
    public void ExportOnnx(Stream stream) => Model.ExportOnnx(stream, OnnxExportOptions);

    /// <summary>Writes the model as an ONNX file at <paramref name="path"/>, atomically (see <see cref="ExportOnnx(Stream)"/>).</summary>
    /// <exception cref="InvalidOperationException">The model's weights exceed what one ONNX file holds (2 GB).</exception>
    public void ExportOnnx(string path) => Model.ExportOnnx(path, OnnxExportOptions);
}
