using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>Compares a column of two views row by row.</summary>
internal static class ColumnComparison
{
    /// <summary>Every value of a float, bool or float-vector column, one array per row (bools as 0 and 1).</summary>
    public static float[][] Rows(IDataView view, string column)
    {
        DataViewType type = view.Schema[column].Type;
        if (type is VectorDataViewType)
        {
            return Columns.ReadVectors(view, column);
        }

        return type == BooleanDataViewType.Instance
            ? Columns.Read<bool>(view, column).Select(b => new[] { b ? 1f : 0f }).ToArray()
            : Columns.Read<float>(view, column).Select(f => new[] { f }).ToArray();
    }

    /// <summary>
    /// The largest normwise relative difference (largest difference in a row over the largest magnitude of the expected row) between two columns,
    /// over the rows <paramref name="compared"/> selects; other rows are not compared. Equal values (NaN and infinities included) differ by 0.
    /// </summary>
    public static double MaxError(float[][] expected, float[][] actual, Func<int, bool> compared)
    {
        Assert.HasCount(expected.Length, actual);
        double worst = 0;
        for (int r = 0; r < expected.Length; r++)
        {
            if (!compared(r))
            {
                continue;
            }

            double difference = 0, scale = 0;
            for (int i = 0; i < expected[r].Length; i++)
            {
                scale = Math.Max(scale, Math.Abs((double)expected[r][i]));
                if (!expected[r][i].Equals(actual[r][i]))
                {
                    difference = Math.Max(difference, Math.Abs((double)expected[r][i] - actual[r][i]));
                }
            }

            double error = difference == 0 ? 0 : difference / Math.Max(scale, 1e-20);
            worst = double.IsNaN(error) || error > worst ? error : worst;
        }

        return worst;
    }
}
