using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Onnx;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>
/// The winner-take-all (k-sparse) autoencoder: a dense network whose code keeps, per row, its <see cref="AutoencoderArchitecture.WinnerTakeAllK"/>
/// largest values and zeroes the rest, in training and inference alike; gradients flow through the winners only.
/// </summary>
internal sealed class WinnerTakeAllNetwork(AutoencoderArchitecture architecture) : DenseAutoencoderNetwork(architecture)
{
    private int K => Architecture.WinnerTakeAllK;

    public override bool DropsCodeValues => true;

    public override bool FitsFormatVersion1 => false;

    public override string? LayerwisePretrainingRefusal => "a winner-take-all network, whose sparse code only the whole network trains";

    public override void DropCodeValues(Span<float> code, int rows, Span<float> mask) =>
        WinnerTakeAll.KeepLargestPerRow(code, rows, Architecture.CodeSize, K, mask);

    protected override ReadOnlySpan<float> FinishCode(Span<float> output, int rows, Span<float> codes, NetworkWorkspace workspace)
    {
        WinnerTakeAll.KeepLargestPerRow(output, rows, Architecture.CodeSize, K, default);
        return output;
    }

    /// <summary>
    /// Keeps each row's k largest code values and zeroes the rest: TopK (ties to the lower index, as the engine breaks them), scattered into zeros.
    /// </summary>
    public override string ExportCode(OnnxGraphBuilder graph, string codeLayerOutput)
    {
        string[] top = graph.AddMany("TopK", [codeLayerOutput, graph.Int64s(K)], 2, OnnxProto.IntAttribute("axis", 1), OnnxProto.IntAttribute("largest", 1), OnnxProto.IntAttribute("sorted", 1));
        string zeros = graph.Add("ConstantOfShape", [graph.Add("Shape", [codeLayerOutput])], OnnxProto.TensorAttribute("value", OnnxGraphBuilder.FloatTensor(0f)));
        return graph.Add("ScatterElements", [zeros, top[1], top[0]], OnnxProto.IntAttribute("axis", 1));
    }
}
