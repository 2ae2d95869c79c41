namespace Microsoft.ML.Autoencoders;

/// <summary>
/// The defaults that follow the data, where the options leave them null: the network's shape from the input's width d, and the number of
/// epochs from the number of training rows.
/// <list type="bullet">
/// <item>Code: ceil(d / 4) values, between 1 and 32. Hidden layers: one, of max(2 x code, ceil(sqrt(d x code))) units, at most 128. So
/// 5 features train 5-4-2-4-5, 30 train 30-16-8-16-30, 100 train 100-50-25-50-100, and a 28 x 28 image 784-128-32-128-784.</item>
/// <item>Epochs: enough for at least 2,000 gradient steps, and at least 20 (at most 1,000): a table of a few hundred rows gets the steps it
/// needs to converge, while 60,000 images train 20 epochs. Streamed data, whose row count is not known in advance, trains 20.</item>
/// </list>
/// </summary>
internal static class DataDefaults
{
    /// <summary>The widest default code.</summary>
    private const int MaxCodeSize = 32;

    /// <summary>The widest default hidden layer.</summary>
    private const int MaxHiddenSize = 128;

    /// <summary>The fewest gradient steps the default epochs give.</summary>
    private const int MinSteps = 2000;

    /// <summary>The fewest default epochs, and the default when the row count is unknown.</summary>
    private const int MinEpochs = 20;

    /// <summary>The most default epochs.</summary>
    private const int MaxEpochs = 1000;

    /// <summary>The fewest gradient steps an imputer's default epochs give: filling values it does not see takes longer to learn than reconstruction.</summary>
    private const int MinImputerSteps = 5000;

    /// <summary>The default code size for <paramref name="features"/> input features.</summary>
    public static int CodeSize(int features) => Math.Clamp((features + 3) / 4, 1, MaxCodeSize);

    /// <summary>The default encoder hidden layers for <paramref name="features"/> input features and a code of <paramref name="codeSize"/>.</summary>
    public static int[] HiddenSizes(int features, int codeSize) =>
        [Math.Min(MaxHiddenSize, Math.Max(2 * codeSize, (int)Math.Ceiling(Math.Sqrt((double)features * codeSize))))];

    /// <summary>
    /// An imputer's default code: as wide as the input, between 16 and 64 (16 for 5 or 14 features, 18 for 18, 64 for a 28 x 28 image). Masking
    /// keeps a code that wide from copying its input through, and a wider code predicts the hidden values better than a reconstruction bottleneck.
    /// </summary>
    public static int ImputerCodeSize(int features) => Math.Clamp(features, 16, 64);

    /// <summary>An imputer's default encoder: one hidden layer of four times the code, between 64 and 256 units.</summary>
    public static int[] ImputerHiddenSizes(int codeSize) => [Math.Clamp(4 * codeSize, 64, 256)];

    /// <summary>An imputer's default epochs for <paramref name="rows"/> training rows: enough for 5,000 gradient steps, at least 20, at most 1,000.</summary>
    public static int ImputerEpochs(long rows, int batchSize)
    {
        long stepsPerEpoch = Math.Max(1, (rows + batchSize - 1) / batchSize);
        return (int)Math.Clamp((MinImputerSteps + stepsPerEpoch - 1) / stepsPerEpoch, MinEpochs, MaxEpochs);
    }

    /// <summary>The default epochs for <paramref name="rows"/> training rows (null when streamed) in batches of <paramref name="batchSize"/>.</summary>
    public static int Epochs(long? rows, int batchSize)
    {
        if (rows is not long count)
        {
            return MinEpochs;
        }

        long stepsPerEpoch = Math.Max(1, (count + batchSize - 1) / batchSize);
        return (int)Math.Clamp((MinSteps + stepsPerEpoch - 1) / stepsPerEpoch, MinEpochs, MaxEpochs);
    }
}
