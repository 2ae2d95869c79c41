namespace Microsoft.ML.Autoencoders;

/// <summary>The rule that turns gradients into parameter updates.</summary>
public enum Optimizer
{
    /// <summary>Adam; weight decay, when set, is added to the gradient (L2 regularization).</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    AdamW,

    /// <summary>Stochastic gradient descent with momentum; weight decay is added to the gradient.</summary>
    Sgd,
}
