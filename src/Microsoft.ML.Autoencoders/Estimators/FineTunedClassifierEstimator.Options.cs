using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders;

public sealed partial class FineTunedClassifierEstimator
{
    /// <summary>
    /// Everything a <see cref="FineTunedClassifierEstimator"/> needs besides the encoder: the columns and how fine-tuning trains. The defaults
    /// are the engine's (<see cref="ClassifierTrainingOptions"/>).
    /// </summary>
    public sealed class Options
    {
        private static readonly ClassifierTrainingOptions EngineDefaults = new();

        /// <summary>The features: a known-size vector of <see cref="float"/> as wide as the autoencoder's input. Default "Features".</summary>
        public string FeatureColumnName = AutoencoderColumnNames.Features;

        /// <summary>
        /// The label: a key (after <c>MapValueToKey</c>) for multiclass classification, a <see cref="bool"/> for binary. Rows whose key is
        /// missing (0) are skipped. Default "Label".
        /// </summary>
        public string LabelColumnName = "Label";

        /// <summary>Passes over the labelled rows. Default 100, suited to a few thousand labelled rows at most; lower it for more.</summary>
        public int Epochs = EngineDefaults.Epochs;

        /// <summary>Rows per gradient step. Default 32.</summary>
        public int BatchSize = EngineDefaults.BatchSize;

        /// <summary>The head's initial learning rate (AdamW), decaying along a cosine to 0. Default 3e-3.</summary>
        public float LearningRate = EngineDefaults.LearningRate;

        /// <summary>The encoder's learning rate as a fraction of <see cref="LearningRate"/>, in (0, 1]. Default 0.1.</summary>
        public float EncoderLearningRateFactor = EngineDefaults.EncoderLearningRateFactor;

        /// <summary>The first epochs, during which only the head trains and the encoder keeps its pretrained weights. Default 5.</summary>
        public int FrozenEncoderEpochs = EngineDefaults.FrozenEncoderEpochs;

        /// <summary>Decoupled weight decay of every weight. Default 1e-4.</summary>
        public float WeightDecay = EngineDefaults.WeightDecay;

        /// <summary>The fraction of code values dropped at the head's input while training, in [0, 1). Default 0.5.</summary>
        public float CodeDropoutRate = EngineDefaults.CodeDropoutRate;

        /// <summary>The fraction of input features set to 0 in every training row, drawn anew each batch (data augmentation), in [0, 1). Default 0.2.</summary>
        public float InputMaskingRate = EngineDefaults.InputMaskingRate;

        /// <summary>Seeds the head's initial weights, the shuffles, the masking and the dropout; null draws it from the context. Default null.</summary>
        public int? Seed;

        /// <summary>
        /// Where fine-tuning runs. Default <see cref="TrainingBackend.Engine"/>, the managed CPU engine. <c>new TorchSharpBackend()</c> (the
        /// Microsoft.ML.Autoencoders.TorchSharp package) runs it on CUDA device <see cref="MLContext.GpuDeviceId"/> or the CPU, as the
        /// autoencoder estimators' <see cref="AutoencoderEstimator.Options.Backend"/> does. The pretraining estimator, when one is given, keeps
        /// its own backend.
        /// </summary>
        public TrainingBackend Backend = TrainingBackend.Engine;

        /// <summary>A copy, so later changes to this instance do not reach an estimator.</summary>
        internal Options Clone() => (Options)MemberwiseClone();

        /// <summary>The engine's options with <paramref name="seed"/>.</summary>
        internal ClassifierTrainingOptions ToTrainingOptions(int seed) => new()
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            EncoderLearningRateFactor = EncoderLearningRateFactor,
            FrozenEncoderEpochs = FrozenEncoderEpochs,
            WeightDecay = WeightDecay,
            CodeDropoutRate = CodeDropoutRate,
            InputMaskingRate = InputMaskingRate,
            Seed = seed,
        };

        /// <summary>Throws, naming the option, when one is out of range.</summary>
        internal void Validate()
        {
            if (string.IsNullOrEmpty(FeatureColumnName))
            {
                throw new ArgumentException($"{nameof(FeatureColumnName)} is empty; name the column of features.", nameof(FeatureColumnName));
            }

            if (string.IsNullOrEmpty(LabelColumnName))
            {
                throw new ArgumentException($"{nameof(LabelColumnName)} is empty; name the column of labels.", nameof(LabelColumnName));
            }

            BackendOption.Check(Backend);
            ToTrainingOptions(0).Validate();
        }
    }
}
