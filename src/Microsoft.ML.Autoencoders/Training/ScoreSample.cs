namespace Microsoft.ML.Autoencoders.Training;

/// <summary>A uniform sample of the scores of streamed rows (reservoir sampling), so a threshold can be learned in bounded memory.</summary>
internal static class ScoreSample
{
    /// <summary>The most scores kept: the threshold is exact up to this many training rows.</summary>
    public const int Capacity = 1_000_000;

    /// <summary>Scores every row of <paramref name="source"/> and keeps a uniform sample of at most <see cref="Capacity"/> of them.</summary>
    public static float[] Of(AutoencoderModel model, IRowBlockSource source, int blockRows, int seed, CancellationToken cancellationToken)
    {
        var sample = new List<float>();
        var random = new Random(seed);
        float[] scores = new float[blockRows];
        long seen = 0;
        foreach (FeatureMatrix block in source.ReadBlocks(blockRows, cancellationToken))
        {
            Span<float> blockScores = scores.AsSpan(0, block.RowCount);
            model.Score(block.Values, blockScores);
            foreach (float score in blockScores)
            {
                seen++;
                if (sample.Count < Capacity)
                {
                    sample.Add(score);
                }
                else if (random.NextInt64(seen) is long slot && slot < Capacity)
                {
                    sample[(int)slot] = score;
                }
            }
        }

        return sample.ToArray();
    }
}
