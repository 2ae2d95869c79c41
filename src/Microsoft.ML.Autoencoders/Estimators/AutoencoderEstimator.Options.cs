namespace Microsoft.ML.Autoencoders;

public sealed partial class AutoencoderEstimator
{
    /// <summary>
    /// Everything an <see cref="AutoencoderEstimator"/> needs: columns, network shape, training and the anomaly
    /// threshold. The defaults suit standardized tabular data and [0, 1] pixels alike. Any output column can be switched
    /// off (its name null or empty), but not all of them.
    /// </summary>
    public class Options
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

        /// <summary>Activation of every hidden layer. Default <see cref="Activation.Relu"/>.</summary>
        public Activation HiddenActivation = Activation.Relu;

        /// <summary>Activation of the code layer. Default <see cref="Activation.Identity"/>.</summary>
        public Activation CodeActivation = Activation.Identity;

        /// <summary>Activation of the reconstruction: <see cref="Activation.Identity"/> (default) for any real data, <see cref="Activation.Sigmoid"/> for data in [0, 1].</summary>
        public Activation OutputActivation = Activation.Identity;

        /// <summary>The loss minimized. Default <see cref="LossFunction.MeanSquaredError"/>; <see cref="LossFunction.BinaryCrossEntropy"/> needs a sigmoid output.</summary>
        public LossFunction Loss = LossFunction.MeanSquaredError;

        /// <summary>
        /// Passes over the training data. Default null: enough for at least 2,000 gradient steps, and at least 20 (at most 1,000); 20 when the
        /// training data is streamed.
        /// </summary>
        public int? Epochs;

        /// <summary>Rows per gradient step. Default 128.</summary>
        public int BatchSize = 128;

        /// <summary>The initial learning rate. Default 1e-3.</summary>
        public float LearningRate = 1e-3f;

        /// <summary>The update rule. Default <see cref="Autoencoders.Optimizer.Adam"/>.</summary>
        public Optimizer Optimizer = Optimizer.Adam;

        /// <summary>How the learning rate changes over epochs. Default <see cref="LearningRateSchedule.Constant"/>.</summary>
        public LearningRateSchedule LearningRateSchedule = LearningRateSchedule.Constant;

        /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW). Default 0.</summary>
        public float WeightDecay;

        /// <summary>When positive, gradients whose global L2 norm exceeds it are scaled down to it. Default 0 (off).</summary>
        public float GradientClipNorm;

        /// <summary>Fraction of the training rows held out to validate on when no validation data is passed to <see cref="AutoencoderEstimator.Fit(IDataView, IDataView?)"/>. Default 0.</summary>
        public float ValidationFraction;

        /// <summary>When positive, training stops after this many epochs without improvement of the validation loss (the training loss without validation data) and restores the best weights. Default 0 (off).</summary>
        public int EarlyStoppingPatience;

        /// <summary>Seeds initial weights, shuffles and splits. Default null: drawn from the <see cref="MLContext"/>'s random source, so <c>new MLContext(seed: 1)</c> makes training repeatable.</summary>
        public int? Seed;

        /// <summary>
        /// The expected fraction of anomalies in the training data, in (0, 0.5]: the threshold is the (1 - contamination)
        /// quantile of the training rows' scores, so about this fraction of them is flagged. Default 0.05. Ignored when
        /// <see cref="Threshold"/> or <see cref="FalsePositiveRate"/> is set.
        /// </summary>
        public float Contamination = 0.05f;

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

        /// <summary>Corruption of the input during training only (a denoising autoencoder); the loss targets the clean input. Default <see cref="NoiseKind.None"/>.</summary>
        public NoiseKind Noise = NoiseKind.None;

        /// <summary>Strength of <see cref="Noise"/>: the standard deviation for Gaussian noise, the fraction of features corrupted for masking and salt-and-pepper. Default 0.1.</summary>
        public float NoiseLevel = 0.1f;

        /// <summary>Weight of an L1 activity penalty on the code (a sparse autoencoder). Default 0 (off).</summary>
        public float CodeL1Penalty;

        /// <summary>Weight of the KL-divergence sparsity penalty toward <see cref="SparsityTarget"/>; needs a sigmoid <see cref="CodeActivation"/>. Default 0 (off).</summary>
        public float SparsityPenalty;

        /// <summary>The mean activation <see cref="SparsityPenalty"/> pushes each sigmoid code unit toward. Default 0.05.</summary>
        public float SparsityTarget = 0.05f;

        /// <summary>Weight of the contractive penalty, the squared Frobenius norm of the encoder's Jacobian (exact for a one-layer encoder, layer by layer otherwise). Default 0 (off).</summary>
        public float ContractivePenalty;

        /// <summary>Probability of dropping each hidden unit during training. Default 0 (off).</summary>
        public float DropoutRate;

        /// <summary>When positive, a winner-take-all code that keeps each row's k largest code values, in training and at inference. Default 0 (off).</summary>
        public int WinnerTakeAllK;

        /// <summary>Lifetime sparsity of a winner-take-all code: the fraction of the batch each code unit keeps its activations for during training. Default 0 (off).</summary>
        public float LifetimeSparsity;

        /// <summary>
        /// When true, a variational autoencoder: the code is the latent mean, and <c>Score</c> is the negative evidence lower bound
        /// instead of the squared reconstruction error. Needs an identity <see cref="CodeActivation"/>. Default false.
        /// </summary>
        public bool Variational;

        /// <summary>With <see cref="Variational"/>: the weight of the KL term (1 is the ELBO, other values a beta-VAE). Default 1.</summary>
        public float KlWeight = 1f;

        /// <summary>
        /// When true, <c>Fit</c> streams the feature column through a cursor, <see cref="StreamingBlockRows"/> rows at a time, every
        /// epoch, instead of reading it into memory once: memory stays bounded for any row count, at the cost of reading the data
        /// once per epoch. Rows are shuffled within each block. A <see cref="Contamination"/> threshold then comes from a uniform
        /// sample of at most 1,000,000 training scores. <see cref="ValidationFraction"/> must be 0 (pass validation data instead).
        /// Views whose known size exceeds <see cref="AutoencoderEstimator.MaxCachedBytes"/> (2 GiB) are streamed anyway. Default false.
        /// </summary>
        public bool StreamTrainingData;

        /// <summary>With <see cref="StreamTrainingData"/>: rows read, held and shuffled together. Default 65,536.</summary>
        public int StreamingBlockRows = 65_536;

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
        internal TrainingOptions ToTrainingOptions(int seed, long? rows = null) => new()
        {
            Epochs = Epochs ?? DataDefaults.Epochs(rows, BatchSize),
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            Optimizer = Optimizer,
            Schedule = LearningRateSchedule,
            WeightDecay = WeightDecay,
            GradientClipNorm = GradientClipNorm,
            Loss = Loss,
            ValidationFraction = ValidationFraction,
            EarlyStoppingPatience = EarlyStoppingPatience,
            Seed = seed,
            StreamingBlockRows = StreamingBlockRows,
            Noise = Noise,
            NoiseLevel = NoiseLevel,
            CodeL1Penalty = CodeL1Penalty,
            SparsityPenalty = SparsityPenalty,
            SparsityTarget = SparsityTarget,
            ContractivePenalty = ContractivePenalty,
            DropoutRate = DropoutRate,
            LifetimeSparsity = LifetimeSparsity,
            KlWeight = KlWeight,
        };

        /// <summary>The code size for <paramref name="inputSize"/> features: <see cref="CodeSize"/>, or the width's default.</summary>
        internal int CodeSizeFor(int inputSize) => CodeSize ?? DataDefaults.CodeSize(inputSize);

        /// <summary>The engine's architecture for <paramref name="inputSize"/> features.</summary>
        internal virtual AutoencoderArchitecture ToArchitecture(int inputSize) =>
            new(inputSize, EncoderHiddenSizes ?? DataDefaults.HiddenSizes(inputSize, CodeSizeFor(inputSize)), CodeSizeFor(inputSize), DecoderHiddenSizes, HiddenActivation, CodeActivation, OutputActivation)
            {
                IsVariational = Variational,
                WinnerTakeAllK = WinnerTakeAllK,
            };

        /// <summary>Builds the architecture once, so that a bad size or activation fails here, naming its option.</summary>
        internal virtual void CheckArchitecture() => _ = ToArchitecture(1);

        /// <summary>A copy, so later changes to this object do not reach an estimator built from it.</summary>
        internal virtual Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.EncoderHiddenSizes = (int[]?)EncoderHiddenSizes?.Clone();
            copy.DecoderHiddenSizes = (int[]?)DecoderHiddenSizes?.Clone();
            return copy;
        }

        /// <summary>Throws, naming the option, when one is out of range.</summary>
        internal void Validate()
        {
            Columns.Validate();
            ToTrainingOptions(0).Validate();
            if (Backend == null)
            {
                throw new ArgumentNullException(nameof(Backend), $"{nameof(Backend)} is null; use {nameof(TrainingBackend)}.{nameof(TrainingBackend.Engine)} (the default) or another backend such as TorchSharpBackend.");
            }
            if (Variational && CodeActivation != Activation.Identity)
            {
                throw new ArgumentException($"{nameof(Variational)} needs {nameof(CodeActivation)} = {nameof(Activation.Identity)} (the code is a mean and a log-variance); it is {CodeActivation}.", nameof(CodeActivation));
            }

            if (Variational && ScaleFeatureErrors)
            {
                throw new ArgumentException($"{nameof(ScaleFeatureErrors)} does not apply to a {nameof(Variational)} autoencoder, which scores by its negative ELBO; set one of them off.", nameof(ScaleFeatureErrors));
            }

            if (Variational && WinnerTakeAllK > 0)
            {
                throw new ArgumentException($"{nameof(Variational)} cannot be combined with {nameof(WinnerTakeAllK)} = {WinnerTakeAllK}; set one of them off.", nameof(WinnerTakeAllK));
            }

            try
            {
                CheckArchitecture();
            }
            catch (ArgumentOutOfRangeException e)
            {
                string name = e.ParamName switch
                {
                    "encoderHiddenSizes" => nameof(EncoderHiddenSizes),
                    "decoderHiddenSizes" => nameof(DecoderHiddenSizes),
                    "codeSize" => nameof(CodeSize),
                    "hiddenActivation" => nameof(HiddenActivation),
                    "codeActivation" => nameof(CodeActivation),
                    "outputActivation" => nameof(OutputActivation),
                    "WinnerTakeAllK" => nameof(WinnerTakeAllK),
                    _ => e.ParamName ?? "options",
                };
                throw new ArgumentOutOfRangeException(name, e.ActualValue, $"{name}: {e.Message.Split(" (Parameter")[0]}");
            }

            if (Loss == LossFunction.BinaryCrossEntropy && OutputActivation != Activation.Sigmoid)
            {
                throw new ArgumentException($"{nameof(Loss)} is {nameof(LossFunction.BinaryCrossEntropy)}, which needs {nameof(OutputActivation)} = {nameof(Activation.Sigmoid)}; it is {OutputActivation}.", nameof(Loss));
            }

            if (!(Contamination > 0f && Contamination <= 0.5f))
            {
                throw new ArgumentOutOfRangeException(nameof(Contamination), Contamination,
                    $"{nameof(Contamination)} is {Contamination}; it must be in (0, 0.5]: the expected fraction of anomalies, which are by definition a minority. To flag nothing set {nameof(Threshold)} = float.PositiveInfinity; to learn the threshold from normal rows use {nameof(FalsePositiveRate)}.");
            }

            if (FalsePositiveRate is float rate)
            {
                Fraction(rate, nameof(FalsePositiveRate));
            }

            if (Threshold is float threshold && float.IsNaN(threshold))
            {
                throw new ArgumentOutOfRangeException(nameof(Threshold), threshold, $"{nameof(Threshold)} is NaN; give a number, or leave it null to learn it.");
            }
        }

        private static void Fraction(float value, string name)
        {
            if (!(value >= 0f && value < 1f))
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; it must be in [0, 1).");
            }
        }
    }
}
