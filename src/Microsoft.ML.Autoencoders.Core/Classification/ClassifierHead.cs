namespace Microsoft.ML.Autoencoders;

/// <summary>The output layer a <see cref="FineTunedClassifier"/> puts on top of an encoder, and the loss it trains with.</summary>
public enum ClassifierHead
{
    /// <summary>One logit per class, a softmax over them and the cross-entropy loss: multiclass classification.</summary>
    Softmax,

    /// <summary>One logit, the logistic function and the binary cross-entropy loss: binary classification (classes 0 and 1).</summary>
    Logistic,
}
