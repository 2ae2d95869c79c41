using Microsoft.ML.Autoencoders.Onnx;

namespace Microsoft.ML.Autoencoders;

/// <summary>Export to ONNX, so the trained model serves in ONNX Runtime and anything else that reads ONNX.</summary>
public sealed partial class AutoencoderModel
{
    /// <summary>
    /// Writes the model as an ONNX graph (IR version 8, opset 17) to <paramref name="stream"/>. Its input is a float tensor [batch, <see cref="InputSize"/>]
    /// with a dynamic batch dimension; its outputs are those <paramref name="options"/> names: the code, the reconstruction, the score (exactly
    /// <see cref="Score(ReadOnlySpan{float}, Span{float}, Span{float})"/>'s, error scales, the negative ELBO and unusable rows included), the predicted
    /// label at the options' threshold and the per-feature errors. Metadata: the library's version, the architecture, the kind of score and the threshold.
    /// </summary>
    /// <param name="stream">Where the ONNX bytes go.</param>
    /// <param name="options">Names and threshold; null exports every output but the predicted label under the ML.NET column names.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, no output is asked for, or the label is asked for without a threshold.</exception>
    /// <exception cref="InvalidOperationException">The model's weights exceed what one ONNX file holds (2 GB).</exception>
    /// <exception cref="NotSupportedException">The model scores by its code neighbours (<see cref="CodeNeighbourCount"/> above 0), which the export does not write.</exception>
    public void ExportOnnx(Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (_codeNeighbours != null)
        {
            throw new NotSupportedException(
                $"The model scores by its {CodeNeighbourCount} nearest normal codes, and the ONNX export does not write a nearest-neighbour search; export the model before WithCodeNeighbours (its score is then the reconstruction error), or score in .NET.");
        }

        OnnxExporter.Write(this, _network, _errorWeights, options ?? new OnnxExportOptions { PredictedLabelName = null }, stream);
    }

    /// <summary>Writes the model as an ONNX file at <paramref name="path"/>, atomically (see <see cref="ExportOnnx(Stream, OnnxExportOptions)"/>).</summary>
    /// <exception cref="ArgumentException">A name is empty or repeated, no output is asked for, or the label is asked for without a threshold.</exception>
    /// <exception cref="InvalidOperationException">The model's weights exceed what one ONNX file holds (2 GB).</exception>
    /// <exception cref="NotSupportedException">The model scores by its code neighbours, which the export does not write.</exception>
    public void ExportOnnx(string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IO.AtomicFile.Write(path, stream => ExportOnnx(stream, options));
    }
}
