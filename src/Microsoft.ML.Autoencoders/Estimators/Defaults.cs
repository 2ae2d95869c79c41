namespace Microsoft.ML.Autoencoders;

/// <summary>
/// Every default of the estimators' options and of the catalog's simple overloads, in one place (as ML.NET's trainers keep theirs): constants
/// for what is fixed, and rules for what follows the data where an option is left null. The training constants are those of the engine's
/// <see cref="TrainingOptions"/>, which trains with them when it is used without ML.NET.
/// <para>The rules that follow the data, the network's shape from the input's width d and the number of epochs from the number of training rows:</para>
/// <list type="bullet">
/// <item>Code: d / 2 values rounded down, between 1 and 32. Hidden layers: one, of max(2 x code, 2 x d) units, at most 128. So 5
/// features train 5-10-2-10-5, 30 train 30-60-15-60-30, 100 train 100-128-32-128-100, and a 28 x 28 image 784-128-32-128-784. On the
/// tabular quality benchmark (seven real tables, one-class) this wide, overcomplete shape ranks anomalies better than the narrow
/// bottleneck of ceil(d / 4) with a hidden layer of max(2 x code, ceil(sqrt(d x code))) (mean AUROC 84.2 against 80.7 over 5 seeds,
/// where the best peer, LocalOutlierFactor, scores 80.9); rounding the code down keeps a real
/// bottleneck on the narrowest tables (3 columns: a code of 1). Images keep the same network, since both rules reach the caps there.</item>
/// <item>Epochs: enough for at least 2,000 gradient steps, and at least 20 (at most 1,000): a table of a few hundred rows gets the steps it
/// needs to converge, while 60,000 images train 20 epochs. Streamed data, whose row count is not known in advance, trains 20.</item>
/// </list>
/// </summary>
internal static class Defaults
{
    /// <summary>Rows per gradient step.</summary>
    public const int BatchSize = 128;

    /// <summary>The initial learning rate.</summary>
    public const float LearningRate = 1e-3f;

    /// <summary>The update rule.</summary>
    public const Optimizer Optimizer = Autoencoders.Optimizer.Adam;

    /// <summary>Adam's decay rate of the first moment.</summary>
    public const float Beta1 = 0.9f;

    /// <summary>Adam's decay rate of the second moment.</summary>
    public const float Beta2 = 0.999f;

    /// <summary>Adam's denominator floor.</summary>
    public const float Epsilon = 1e-8f;

    /// <summary>SGD's momentum.</summary>
    public const float Momentum = 0.9f;

    /// <summary>How dense layers' initial weights are drawn.</summary>
    public const WeightInitialization Initialization = WeightInitialization.Auto;

    /// <summary>How the learning rate changes over epochs.</summary>
    public const LearningRateSchedule Schedule = LearningRateSchedule.Constant;

    /// <summary>With a step schedule: epochs between decays.</summary>
    public const int StepDecayEpochs = 10;

    /// <summary>With a step schedule: the factor applied at each decay.</summary>
    public const float StepDecayFactor = 0.1f;

    /// <summary>Epochs of layer-wise pretraining per encoder layer: none, the network trains end to end from random weights.</summary>
    public const int LayerwisePretrainingEpochs = 0;

    /// <summary>Rows read, held and shuffled together when training data is streamed.</summary>
    public const int StreamingBlockRows = 65_536;

    /// <summary>The strength of the training noise of a plain autoencoder given one.</summary>
    public const float NoiseLevel = 0.1f;

    /// <summary>The training noise of a denoising autoencoder.</summary>
    public const NoiseKind DenoisingNoise = NoiseKind.Masking;

    /// <summary>The strength of a denoising autoencoder's noise: a quarter of the features masked.</summary>
    public const float DenoisingNoiseLevel = 0.25f;

    /// <summary>The mean activation the KL sparsity penalty pushes each sigmoid code unit toward.</summary>
    public const float SparsityTarget = 0.05f;

    /// <summary>A variational autoencoder's weight of the KL term (the ELBO).</summary>
    public const float KlWeight = 1f;

    /// <summary>Activation of every hidden layer.</summary>
    public const Activation HiddenActivation = Activation.Relu;

    /// <summary>Activation of the code layer.</summary>
    public const Activation CodeActivation = Activation.Identity;

    /// <summary>Activation of the reconstruction of real-valued data.</summary>
    public const Activation OutputActivation = Activation.Identity;

    /// <summary>Activation of a convolutional autoencoder's reconstruction: images hold pixels in [0, 1].</summary>
    public const Activation ImageOutputActivation = Activation.Sigmoid;

    /// <summary>The expected fraction of anomalies in the training data, which sets the threshold.</summary>
    public const float Contamination = 0.05f;

    /// <summary>Channels of a convolutional autoencoder's images.</summary>
    public const int ImageChannels = 1;

    /// <summary>Height of a convolutional autoencoder's images.</summary>
    public const int ImageHeight = 28;

    /// <summary>Width of a convolutional autoencoder's images.</summary>
    public const int ImageWidth = 28;

    /// <summary>An imputer's rounds of reconstruct-and-replace.</summary>
    public const int Iterations = AutoencoderImputer.DefaultIterations;

    /// <summary>The fraction of observed values an imputer hides from its network's input in each training batch.</summary>
    public const float MaskingFraction = 0.25f;

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
    public static int CodeSize(int features) => Math.Clamp(features / 2, 1, MaxCodeSize);

    /// <summary>The default encoder hidden layers for <paramref name="features"/> input features and a code of <paramref name="codeSize"/>.</summary>
    public static int[] HiddenSizes(int features, int codeSize) =>
        [(int)Math.Min(MaxHiddenSize, 2L * Math.Max(codeSize, features))];

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
