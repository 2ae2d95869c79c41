using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoders.Layers;

/// <summary>
/// Winner-take-all sparsity of a code: per row, keep the k largest values (k-sparse); per code unit, keep its largest values over a batch
/// (lifetime sparsity). Losers are zeroed and their mask entry is 0, so gradients flow through the winners only.
/// </summary>
internal static class WinnerTakeAll
{
    /// <summary>
    /// Keeps exactly <paramref name="k"/> values in each of <paramref name="rows"/> rows of <paramref name="codes"/> (the largest; ties go to the
    /// lower index) and zeroes the rest. Unless empty, <paramref name="mask"/> receives 1 for winners and 0 for losers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KeepLargestPerRow(Span<float> codes, int rows, int width, int k, Span<float> mask)
    {
        Span<float> sorted = width <= 1024 ? stackalloc float[width] : new float[width];
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = codes.Slice(r * width, width);
            row.CopyTo(sorted);
            sorted.Sort();
            float threshold = sorted[width - k];
            int above = 0;
            for (int j = 0; j < width; j++)
            {
                above += row[j] > threshold ? 1 : 0;
            }

            int tiesLeft = k - above;
            for (int j = 0; j < width; j++)
            {
                bool keep = row[j] > threshold || row[j] == threshold && tiesLeft-- > 0;
                if (!keep)
                {
                    row[j] = 0f;
                }

                if (!mask.IsEmpty)
                {
                    mask[r * width + j] = keep ? 1f : 0f;
                }
            }
        }
    }

    /// <summary>
    /// Lifetime sparsity: in each column of <paramref name="codes"/>, keeps the <paramref name="winners"/> largest values over the
    /// <paramref name="rows"/> rows (ties to the lower row) and zeroes the rest, multiplying <paramref name="mask"/> by 1 or 0 to match.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KeepLargestPerColumn(Span<float> codes, int rows, int width, int winners, Span<float> mask, Span<float> scratch)
    {
        Span<float> column = scratch[..rows];
        for (int j = 0; j < width; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                column[r] = codes[r * width + j];
            }

            column.Sort();
            float threshold = column[rows - winners];
            int above = 0;
            for (int r = 0; r < rows; r++)
            {
                above += codes[r * width + j] > threshold ? 1 : 0;
            }

            int tiesLeft = winners - above;
            for (int r = 0; r < rows; r++)
            {
                int index = r * width + j;
                float value = codes[index];
                if (!(value > threshold || value == threshold && tiesLeft-- > 0))
                {
                    codes[index] = 0f;
                    mask[index] = 0f;
                }
            }
        }
    }
}
