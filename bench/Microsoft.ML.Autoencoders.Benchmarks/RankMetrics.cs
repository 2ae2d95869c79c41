namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>How well anomaly scores (higher is more anomalous) rank the true anomalies first.</summary>
internal static class RankMetrics
{
    /// <summary>The area under the ROC curve of <paramref name="scores"/> for telling positives from negatives (ties count half).</summary>
    public static double Auroc(float[] scores, bool[] positive)
    {
        int[] order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        int positives = positive.Count(p => p);
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
            {
                rankSum += positive[order[k]] ? rank : 0;
            }

            i = j + 1;
        }

        long negatives = scores.Length - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The average precision of <paramref name="scores"/>: the mean, over the positives, of the precision among the rows scoring at least as high
    /// as each (scikit-learn's average_precision_score; tied rows enter together).
    /// </summary>
    public static double AveragePrecision(float[] scores, bool[] positive)
    {
        int[] order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        int positives = positive.Count(p => p);
        double sum = 0;
        int truePositives = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            int found = 0;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                found += positive[order[j]] ? 1 : 0;
                j++;
            }

            truePositives += found;
            sum += found * (double)truePositives / j;
            i = j;
        }

        return sum / positives;
    }
}
