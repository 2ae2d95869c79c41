using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders;

public sealed unsafe partial class AutoencoderModel
{
    /// <summary>
    /// One <see cref="Run"/> over pinned buffers, cut into bands of <see cref="BandRows"/> rows that threads claim one at a
    /// time. An output the caller did not ask for is a null pointer (what pinning an empty span gives).
    /// </summary>
    private sealed class ForwardPass(
        AutoencoderModel model, int rows, float* inputs, float* codes, float* reconstructions, float* scores, float* featureErrors) : IParallelWork
    {
        public void Execute(int index)
        {
            int start = index * BandRows;
            int count = Math.Min(BandRows, rows - start);
            int inputSize = model.InputSize;
            model.RunBand(
                start, count,
                new ReadOnlySpan<float>(inputs, rows * inputSize),
                codes != null ? new Span<float>(codes, rows * model.CodeSize) : default,
                reconstructions != null ? new Span<float>(reconstructions, rows * inputSize) : default,
                scores != null ? new Span<float>(scores, rows) : default,
                featureErrors != null ? new Span<float>(featureErrors, rows * inputSize) : default);
        }
    }
}
