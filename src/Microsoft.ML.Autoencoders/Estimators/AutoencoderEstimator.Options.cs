using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

public sealed partial class AutoencoderEstimator
{
    /// <summary>
    /// Everything an <see cref="AutoencoderEstimator"/> needs: columns, network shape, training and the anomaly
    /// threshold. The defaults suit standardized tabular data and [0, 1] pixels alike. Any output column can be switched
    /// off (its name null or empty), but not all of them.
    /// </summary>
    public class Options : AutoencoderTrainingOptionsBase
    {
        /// <summary>The input column: a known-size vector of <see cref="float"/>. Default "Features".</summary>
        public string FeatureColumnName = AutoencoderColumnNames.Features;

        /// <summary>The output column of codes (vector of <see cref="float"/>, <see cref="CodeSize"/> long); null or empty switches it off. Default "Encoded".</summary>
        public string? EncodedColumnName = AutoencoderColumnNames.Encoded;

        /// <summary>The output column of reconstructions (vector of <see cref="float"/>, as long as the input); null or empty switches it off. Default "Reconstruction".</summary>
        public string? ReconstructionColumnName = AutoencoderColumnNames.Reconstruction;

        /// <summary>
        /// The output column of anomaly scores (<see cref="float"/>, the mean squared reconstruction error; higher is more
        /// anomalous; <see cref="AutoencoderModel.UnusableRowScore"/> for a row holding NaN, an infinity or a magnitude above
        /// <see cref="FeatureMatrix.MaxMagnitude"/>); null or empty switches it off. Default "Score".
        /// </summary>
        public string? ScoreColumnName = AutoencoderColumnNames.Score;

        /// <summary>The output column of predicted anomalies (<see cref="bool"/>, score above the threshold); null or empty switches it off. Default "PredictedLabel".</summary>
        public string? PredictedLabelColumnName = AutoencoderColumnNames.PredictedLabel;

        /// <summary>
        /// The output column of per-feature squared errors (vector of <see cref="float"/>, as long as the input; for a row holding NaN, an infinity or a
        /// magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>, +infinity at exactly those features and NaN at the others); null or empty switches it
        /// off. Default "FeatureErrors".
        /// </summary>
        public string? FeatureErrorsColumnName = AutoencoderColumnNames.FeatureErrors;

        /// <summary>
        /// Sizes of the encoder's hidden layers, input side first; may be empty. Default null: one layer whose size follows the input's width,
        /// max(2 x code, 2 x features), at most 128 (128 for a 28 x 28 image, 60 for 30 features, 10 for 5).
        /// </summary>
        public int[]? EncoderHiddenSizes;

        /// <summary>
        /// Size of the code (the bottleneck). Default null: features / 2 rounded down, between 1 and 32 (32 for a 28 x 28 image, 15 for 30 features, 2 for 5).
        /// </summary>
        public int? CodeSize;

        /// <summary>Sizes of the decoder's hidden layers, code side first; null mirrors <see cref="EncoderHiddenSizes"/>. Default null.</summary>
        public int[]? DecoderHiddenSizes;

        /// <summary>Activation of the code layer. Default <see cref="Activation.Identity"/>.</summary>
        public Activation CodeActivation = Defaults.CodeActivation;

        /// <summary>Activation of the reconstruction: <see cref="Activation.Identity"/> (default) for any real data, <see cref="Activation.Sigmoid"/> for data in [0, 1].</summary>
        public Activation OutputActivation = Defaults.OutputActivation;

        /// <summary>The loss minimized. Default <see cref="LossFunction.MeanSquaredError"/>; <see cref="LossFunction.BinaryCrossEntropy"/> needs a sigmoid output.</summary>
        public LossFunction Loss = LossFunction.MeanSquaredError;

        /// <summary>
        /// Passes over the training data. Default null: enough for at least 2,000 gradient steps, and at least 20 (at most 1,000); 20 when the
        /// training data is streamed.
        /// </summary>
        public int? Epochs;

        /// <summary>
        /// When positive, greedy layer-wise pretraining (a stacked autoencoder): each encoder layer first trains this many epochs as a shallow
        /// autoencoder on the codes of the layers before it, then <see cref="Epochs"/> fine-tune the whole network from those weights (see the
        /// engine's <see cref="TrainingOptions.LayerwisePretrainingEpochs"/>). Needs encoder hidden layers, a mirrored decoder, a plain or
        /// denoising dense autoencoder, and training data held in memory. Default 0 (off).
        /// </summary>
        public int LayerwisePretrainingEpochs = Defaults.LayerwisePretrainingEpochs;

        /// <summary>
        /// The expected fraction of anomalies in the training data, in (0, 0.5]: the threshold is the (1 - contamination)
        /// quantile of the training rows' scores, so about this fraction of them is flagged. Default 0.05. Ignored when
        /// <see cref="Threshold"/> or <see cref="FalsePositiveRate"/> is set.
        /// </summary>
        public float Contamination = Defaults.Contamination;

        /// <summary>
        /// When set, in [0, 1): the threshold is the (1 - rate) quantile of the scores of the validation data passed to
        /// <see cref="AutoencoderEstimator.Fit(IDataView, IDataView?)"/>, which should hold normal rows only, so about
        /// this fraction of normal rows is flagged. Ignored when <see cref="Threshold"/> is set. Default null.
        /// </summary>
        public float? FalsePositiveRate;

        /// <summary>When set, the threshold itself: scores above it are anomalies. Default null.</summary>
        public float? Threshold;

        /// <summary>
        /// When true, the score divides each feature's squared error by that feature's mean squared error on the training rows (floored at 1% of
        /// the features' average) before averaging, and the feature errors column holds those ratios: an error where the model is usually exact
        /// counts more than the same error where it is usually loose. Sharper anomaly scores on images and on features of unequal difficulty
        /// (one-class Fashion-MNIST AUROC 91.7 to 92.1 in the quality benchmark). Not for variational autoencoders, which score by their negative
        /// ELBO. Default false.
        /// </summary>
        public bool ScaleFeatureErrors;

        /// <summary>
        /// When above 0, the score also asks how far a row's code lies from the codes of the training rows: it becomes the sum of how surprising,
        /// next to their values on the training rows, are the row's mean squared error, its scaled error (with <see cref="ScaleFeatureErrors"/>)
        /// and the mean distance from its code to its this-many nearest training codes (see <see cref="AutoencoderModel.WithCodeNeighbours(FeatureMatrix, int)"/>).
        /// Catches anomalies the network rebuilds well but encodes far from every normal row (one-class Fashion-MNIST AUROC of a shallow
        /// 784-32 autoencoder with <see cref="ScaleFeatureErrors"/> 92.6 to 93.6 with 20). The model keeps the codes of at most 10,000 training rows
        /// (a seeded sample when there are more), scoring costs one dot product per kept code, and ONNX export is refused. A kept training
        /// row is its own nearest code, so the <see cref="Contamination"/> threshold is learned on the kept rows' scores with each left out of
        /// its own neighbours (<see cref="AutoencoderModel.KeptNormalRowScores"/>), which new normal rows match. From 0 (off, the default) to 256; not for variational autoencoders.
        /// </summary>
        public int CodeNeighbours;

        /// <summary>Corruption of the input during training only (a denoising autoencoder); the loss targets the clean input. Default <see cref="NoiseKind.None"/>.</summary>
        public NoiseKind Noise;

        /// <summary>Strength of <see cref="Noise"/>: the standard deviation for Gaussian noise, the fraction of features corrupted for masking and salt-and-pepper. Default 0.1.</summary>
        public float NoiseLevel = Defaults.NoiseLevel;

        /// <summary>Weight of an L1 activity penalty on the code (a sparse autoencoder). Default 0 (off).</summary>
        public float CodeL1Penalty;

        /// <summary>Weight of the KL-divergence sparsity penalty toward <see cref="SparsityTarget"/>; needs a sigmoid <see cref="CodeActivation"/>. Default 0 (off).</summary>
        public float SparsityPenalty;

        /// <summary>The mean activation <see cref="SparsityPenalty"/> pushes each sigmoid code unit toward. Default 0.05.</summary>
        public float SparsityTarget = Defaults.SparsityTarget;

        /// <summary>Weight of the contractive penalty, the squared Frobenius norm of the encoder's Jacobian (exact for a one-layer encoder, layer by layer otherwise). Default 0 (off).</summary>
        public float ContractivePenalty;

        /// <summary>
        /// When positive, a winner-take-all code that keeps each row's k largest code values, in training and at inference; at most the
        /// <see cref="CodeSize"/>. Not for variational or convolutional autoencoders. Default 0 (off).
        /// </summary>
        public int WinnerTakeAllK;

        /// <summary>Lifetime sparsity of a winner-take-all code: the fraction of the batch each code unit keeps its activations for during training. Default 0 (off).</summary>
        public float LifetimeSparsity;

        /// <summary>With <see cref="VaeEstimator.Options"/>: the weight of the KL term (1 is the ELBO, other values a beta-VAE). Default 1.</summary>
        public float KlWeight = Defaults.KlWeight;

        /// <summary>
        /// When true, <c>Fit</c> streams the feature column through a cursor, <see cref="StreamingBlockRows"/> rows at a time, every
        /// epoch, instead of reading it into memory once: memory stays bounded for any row count, at the cost of reading the data
        /// once per epoch. Rows are shuffled within each block. A <see cref="Contamination"/> threshold then comes from a uniform
        /// sample of at most 1,000,000 training scores. <see cref="AutoencoderTrainingOptionsBase.ValidationFraction"/> must be 0 (pass validation data instead).
        /// Views whose known size exceeds 2 GiB (rows x features x 4 bytes) are streamed anyway. Default false.
        /// </summary>
        public bool StreamTrainingData;

        /// <summary>With <see cref="StreamTrainingData"/>: rows read, held and shuffled together. Default 65,536.</summary>
        public int StreamingBlockRows = Defaults.StreamingBlockRows;

        /// <summary>
        /// When true, training rows holding NaN or an infinity are skipped (and counted in the log); when false (default),
        /// such a row stops <see cref="AutoencoderEstimator.Fit(IDataView)"/> with an error naming it.
        /// </summary>
        public bool SkipNonFiniteRows;

        /// <summary>
        /// Where the network trains. Default <see cref="TrainingBackend.Engine"/>, the managed CPU engine. For a CUDA GPU, add the
        /// Microsoft.ML.Autoencoders.TorchSharp package (and TorchSharp-cuda-linux or TorchSharp-cuda-windows) and set
        /// <c>Backend = new TorchSharpBackend()</c>: like ML.NET's own TorchSharp trainers, it then trains on CUDA device
        /// <see cref="MLContext.GpuDeviceId"/> (falling back to the CPU when <see cref="MLContext.FallbackToCpu"/> allows), or on the CPU
        /// when no GPU id is set; a backend given a device (<c>new TorchSharpBackend(TorchDevice.Cuda)</c>) keeps it. Every backend returns
        /// the same model type, so the transformer, scoring and saving do not depend on it.
        /// </summary>
        public TrainingBackend Backend = TrainingBackend.Engine;

        /// <summary>The column names as an <see cref="AutoencoderColumns"/>.</summary>
        internal AutoencoderColumns Columns => new()
        {
            FeatureColumnName = FeatureColumnName,
            EncodedColumnName = EncodedColumnName,
            ReconstructionColumnName = ReconstructionColumnName,
            ScoreColumnName = ScoreColumnName,
            PredictedLabelColumnName = PredictedLabelColumnName,
            FeatureErrorsColumnName = FeatureErrorsColumnName,
        };

        /// <summary>The engine's training options.</summary>
        internal TrainingOptions ToTrainingOptions(int seed, long? rows = null) => SharedTrainingOptions(Epochs ?? Defaults.Epochs(rows, BatchSize), seed) with
        {
            Loss = Loss,
            LayerwisePretrainingEpochs = LayerwisePretrainingEpochs,
            StreamingBlockRows = StreamingBlockRows,
            Noise = Noise,
            NoiseLevel = NoiseLevel,
            CodeL1Penalty = CodeL1Penalty,
            SparsityPenalty = SparsityPenalty,
            SparsityTarget = SparsityTarget,
            ContractivePenalty = ContractivePenalty,
            LifetimeSparsity = LifetimeSparsity,
            KlWeight = KlWeight,
        };

        /// <summary>Whether these options define a variational autoencoder; <see cref="VaeEstimator.Options"/> do.</summary>
        internal virtual bool IsVariational => false;

        /// <summary>The code size for <paramref name="inputSize"/> features: <see cref="CodeSize"/>, or the width's default.</summary>
        internal int CodeSizeFor(int inputSize) => CodeSize ?? Defaults.CodeSize(inputSize);

        /// <summary>The engine's architecture for <paramref name="inputSize"/> features.</summary>
        /// <exception cref="ArgumentException">The network's options do not fit together or, for a convolutional autoencoder, the image shape is not <paramref name="inputSize"/> values.</exception>
        internal virtual AutoencoderArchitecture ToArchitecture(int inputSize) =>
            new(inputSize, EncoderHiddenSizes ?? Defaults.HiddenSizes(inputSize, CodeSizeFor(inputSize)), CodeSizeFor(inputSize), DecoderHiddenSizes, HiddenActivation, CodeActivation, OutputActivation)
            {
                IsVariational = IsVariational,
                WinnerTakeAllK = WinnerTakeAllK,
            };

        /// <summary>
        /// The architecture these options build before the data is seen (the width then taken as 1, or the image's shape), so that the network's
        /// own rules and those tying training options to it fail at construction.
        /// </summary>
        internal virtual AutoencoderArchitecture ProbeArchitecture() => ToArchitecture(1);

        /// <summary>Throws, naming the option, when an option the family member does not use is set, or its defining option is missing.</summary>
        internal virtual void CheckMember()
        {
        }

        /// <summary>A copy, so later changes to this object do not reach an estimator built from it.</summary>
        internal virtual Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.EncoderHiddenSizes = (int[]?)EncoderHiddenSizes?.Clone();
            copy.DecoderHiddenSizes = (int[]?)DecoderHiddenSizes?.Clone();
            return copy;
        }

        /// <summary>
        /// Throws when an option is out of range or does not suit the network: the engine's <see cref="AutoencoderArchitecture"/> and
        /// <see cref="TrainingOptions.Validate(AutoencoderArchitecture)"/> own the rules on the network and training options (their errors name
        /// the option, under the name both share); this method adds those on columns, the threshold and the family member.
        /// </summary>
        internal void Validate()
        {
            Columns.Validate();
            BackendOption.Check(Backend);

            CheckMember();
            ToTrainingOptions(0).Validate(ProbeArchitecture());
            if (IsVariational && ScaleFeatureErrors)
            {
                throw new ArgumentException($"{nameof(ScaleFeatureErrors)} does not apply to a variational autoencoder, which scores by its negative ELBO; set it to false.", nameof(ScaleFeatureErrors));
            }

            if (CodeNeighbours is < 0 or > 256)
            {
                throw new ArgumentOutOfRangeException(nameof(CodeNeighbours), CodeNeighbours, $"{nameof(CodeNeighbours)} is {CodeNeighbours}; it must be from 0 (off) to 256.");
            }

            if (IsVariational && CodeNeighbours > 0)
            {
                throw new ArgumentException($"{nameof(CodeNeighbours)} does not apply to a variational autoencoder, which scores by its negative ELBO; set it to 0.", nameof(CodeNeighbours));
            }

            if (!(Contamination > 0f && Contamination <= 0.5f))
            {
                throw new ArgumentOutOfRangeException(nameof(Contamination), Contamination,
                    $"{nameof(Contamination)} is {Contamination}; it must be in (0, 0.5]: the expected fraction of anomalies, which are by definition a minority. To flag nothing set {nameof(Threshold)} = float.PositiveInfinity; to learn the threshold from normal rows use {nameof(FalsePositiveRate)}.");
            }

            if (FalsePositiveRate is float rate && !(rate >= 0f && rate < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(FalsePositiveRate), rate, $"{nameof(FalsePositiveRate)} is {rate}; it must be in [0, 1).");
            }

            if (Threshold is float threshold && float.IsNaN(threshold))
            {
                throw new ArgumentOutOfRangeException(nameof(Threshold), threshold, $"{nameof(Threshold)} is NaN; give a number, or leave it null to learn it.");
            }
        }
    }
}
