namespace Microsoft.ML.Autoencoders;

/// <summary>What training minimizes: a measure of the distance between each input and its reconstruction, averaged over every value of a batch.</summary>
public enum LossFunction
{
    /// <summary>Mean squared error, for any real-valued data.</summary>
    MeanSquaredError,

    /// <summary>Binary cross-entropy, for data in [0, 1] reconstructed through a <see cref="Activation.Sigmoid"/> output; computed on the logits, so it stays finite.</summary>
    BinaryCrossEntropy,
}
