namespace Microsoft.ML.Autoencoders;

public sealed partial class AutoencoderImputingEstimator
{
    /// <summary>
    /// Everything an <see cref="AutoencoderImputingEstimator"/> needs: the columns, the network's shape, training, and the rounds of
    /// reconstruct-and-replace. The network trains on each column standardized by its observed training values, so the data needs no
    /// normalization first.
    /// </summary>
    public sealed class Options : AutoencoderTrainingOptionsBase
    {
        /// <summary>The input column: a known-size vector of <see cref="float"/> whose NaN values are missing. Default "Features".</summary>
        public string InputColumnName = AutoencoderColumnNames.Features;

        /// <summary>The output column, the input with its NaN values filled; null or empty replaces the input column (as ML.NET's <c>ReplaceMissingValues</c> does). Default null.</summary>
        public string? OutputColumnName;

        /// <summary>Rounds of reconstruct-and-replace: filling starts from the training means, and each round replaces the missing values with the reconstruction's. Default 3.</summary>
        public int Iterations = Defaults.Iterations;

        /// <summary>
        /// The fraction of observed values hidden (set to their column's mean) from the network's input in each training batch, whose loss still
        /// counts them: denoising by masking, which teaches the network to rebuild values it does not see. Default 0.25; 0 is off.
        /// </summary>
        public float MaskingFraction = Defaults.MaskingFraction;

        /// <summary>Sizes of the encoder's hidden layers, input side first. Default null: one layer of four times the code, between 64 and 256 units.</summary>
        public int[]? EncoderHiddenSizes;

        /// <summary>
        /// Size of the code. Default null: as wide as the input, between 16 and 64 (64 for a 28 x 28 image). Masking keeps a code that wide from
        /// copying its input through.
        /// </summary>
        public int? CodeSize;

        /// <summary>Sizes of the decoder's hidden layers, code side first; null mirrors <see cref="EncoderHiddenSizes"/>. Default null.</summary>
        public int[]? DecoderHiddenSizes;

        /// <summary>Passes over the training data. Default null: enough for at least 5,000 gradient steps, and at least 20 (at most 1,000).</summary>
        public int? Epochs;

        /// <summary>The output column's name: <see cref="OutputColumnName"/>, or the input's when that is null or empty.</summary>
        internal string OutputName => string.IsNullOrEmpty(OutputColumnName) ? InputColumnName : OutputColumnName;

        /// <summary>The engine's training options.</summary>
        internal TrainingOptions ToTrainingOptions(int seed, long rows) => SharedTrainingOptions(Epochs ?? Defaults.ImputerEpochs(rows, BatchSize), seed) with
        {
            Noise = MaskingFraction > 0f ? NoiseKind.Masking : NoiseKind.None,
            NoiseLevel = MaskingFraction > 0f ? MaskingFraction : Defaults.NoiseLevel,
        };

        /// <summary>The network for <paramref name="inputSize"/> features: identity code and output, on standardized columns.</summary>
        internal AutoencoderArchitecture ToArchitecture(int inputSize)
        {
            int code = CodeSize ?? Defaults.ImputerCodeSize(inputSize);
            return new(inputSize, EncoderHiddenSizes ?? Defaults.ImputerHiddenSizes(code), code, DecoderHiddenSizes, HiddenActivation);
        }

        /// <summary>A copy, so later changes to this object do not reach an estimator built from it.</summary>
        internal Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.EncoderHiddenSizes = (int[]?)EncoderHiddenSizes?.Clone();
            copy.DecoderHiddenSizes = (int[]?)DecoderHiddenSizes?.Clone();
            return copy;
        }

        /// <summary>
        /// Throws, naming the option, when one is out of range: the engine's <see cref="AutoencoderArchitecture"/> and
        /// <see cref="TrainingOptions.Validate(AutoencoderArchitecture)"/> own the rules on the network and training options; this method adds
        /// those of the imputer's own options.
        /// </summary>
        internal void Validate()
        {
            if (string.IsNullOrEmpty(InputColumnName))
            {
                throw new ArgumentException($"{nameof(InputColumnName)} is empty; name the column whose missing values to fill.", nameof(InputColumnName));
            }

            if (Iterations < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, $"{nameof(Iterations)} is {Iterations}; at least one round of reconstruct-and-replace is needed.");
            }

            if (!(MaskingFraction >= 0f && MaskingFraction < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(MaskingFraction), MaskingFraction, $"{nameof(MaskingFraction)} is {MaskingFraction}; it must be in [0, 1).");
            }

            ToTrainingOptions(0, 1).Validate(ToArchitecture(1));
        }
    }
}
