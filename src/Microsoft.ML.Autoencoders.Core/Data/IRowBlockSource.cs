namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Training rows too many to hold in memory, read again for every epoch one block at a time. The trainer holds one
/// block (<see cref="TrainingOptions.StreamingBlockRows"/> rows) and shuffles within it, so memory stays bounded
/// whatever the row count.
/// </summary>
public interface IRowBlockSource
{
    /// <summary>Features per row.</summary>
    int ColumnCount { get; }

    /// <summary>
    /// One pass over all the rows, in order, as blocks of at most <paramref name="maxRows"/> rows. A source may refill one
    /// buffer for successive blocks: the trainer is done with a block when it asks for the next.
    /// </summary>
    IEnumerable<FeatureMatrix> ReadBlocks(int maxRows, CancellationToken cancellationToken);
}
