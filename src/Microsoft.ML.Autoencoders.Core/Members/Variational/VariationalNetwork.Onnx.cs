using Microsoft.ML.Autoencoders.Onnx;

namespace Microsoft.ML.Autoencoders.Members;

/// <summary>The variational autoencoder in ONNX: the code is the mean half of the code layer's output; the score is the negative ELBO.</summary>
internal sealed partial class VariationalNetwork
{
    public override string ExportCode(OnnxGraphBuilder graph, string codeLayerOutput) =>
        graph.Add("Slice", [codeLayerOutput, graph.Int64s(0), graph.Int64s(Architecture.CodeSize), graph.Int64s(1)]);

    /// <summary>
    /// The negative ELBO at the latent mean, in double precision as the engine sums it: the reconstruction's negative log-likelihood (Bernoulli on
    /// outputs clamped to [1e-7, 1 - 1e-7] for a sigmoid output, else a unit-variance Gaussian) plus the KL divergence with clamped log-variances.
    /// </summary>
    public override string? ExportScore(OnnxGraphBuilder graph, string x, string y, string codeLayerOutput)
    {
        int n = Architecture.InputSize, latent = Architecture.CodeSize;
        string head = codeLayerOutput;
        string ToDouble(string value) => graph.Add("Cast", [value], OnnxProto.IntAttribute("to", OnnxProto.DoubleType));
        string RowSum(string value) => graph.Add("ReduceSum", [value, graph.Int64s(1)], OnnxProto.IntAttribute("keepdims", 0));
        string xd = ToDouble(x), yd = ToDouble(y);
        string nll;
        if (IsBernoulli)
        {
            string p = graph.Add("Min", [graph.Add("Max", [yd, graph.Double(1e-7)]), graph.Double(1 - 1e-7)]);
            string one = graph.Double(1);
            string positive = graph.Add("Mul", [xd, graph.Add("Log", [p])]);
            string negative = graph.Add("Mul", [graph.Add("Sub", [one, xd]), graph.Add("Log", [graph.Add("Sub", [one, p])])]);
            nll = graph.Add("Neg", [RowSum(graph.Add("Add", [positive, negative]))]);
        }
        else
        {
            string d = graph.Add("Sub", [xd, yd]);
            string squares = graph.Add("Mul", [graph.Add("Mul", [d, d]), graph.Double(0.5)]);
            nll = graph.Add("Add", [RowSum(squares), graph.Double(0.5 * Math.Log(2 * Math.PI) * n)]);
        }

        string headD = ToDouble(head);
        string mean = graph.Add("Slice", [headD, graph.Int64s(0), graph.Int64s(latent), graph.Int64s(1)]);
        string logVariance = graph.Add("Slice", [headD, graph.Int64s(latent), graph.Int64s(2 * latent), graph.Int64s(1)]);
        logVariance = graph.Add("Min", [graph.Add("Max", [logVariance, graph.Double(-GaussianKl.LogVarianceLimit)]), graph.Double(GaussianKl.LogVarianceLimit)]);

        // 0.5 (m^2 + max(0, exp(lv) - 1 - lv)) per latent unit, as GaussianKl.Row sums it.
        string spread = graph.Add("Max", [graph.Add("Sub", [graph.Add("Sub", [graph.Add("Exp", [logVariance]), graph.Double(1)]), logVariance]), graph.Double(0)]);
        string kl = RowSum(graph.Add("Mul", [graph.Add("Add", [graph.Add("Mul", [mean, mean]), spread]), graph.Double(0.5)]));
        return graph.Add("Cast", [graph.Add("Add", [nll, kl])], OnnxProto.IntAttribute("to", OnnxProto.FloatType));
    }
}
