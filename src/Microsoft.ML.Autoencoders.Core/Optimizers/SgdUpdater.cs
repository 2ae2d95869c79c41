using System.Numerics.Tensors;

namespace Microsoft.ML.Autoencoders.Optimizers;

/// <summary>Stochastic gradient descent with (heavy-ball) momentum, as PyTorch defines it: v = mu v + g; p -= lr v.</summary>
internal sealed class SgdUpdater : IParameterUpdater
{
    private readonly float[] _velocity;
    private readonly float _momentum, _weightDecay;

    public SgdUpdater(int parameterCount, float momentum, float weightDecay)
    {
        _velocity = new float[parameterCount];
        _momentum = momentum;
        _weightDecay = weightDecay;
    }

    public void Step(float[] parameters, float[] gradients, float learningRate)
    {
        if (_weightDecay != 0f)
        {
            TensorPrimitives.MultiplyAdd(parameters, _weightDecay, gradients, gradients);
        }

        TensorPrimitives.MultiplyAdd(_velocity, _momentum, gradients, _velocity);
        TensorPrimitives.MultiplyAdd(_velocity, -learningRate, parameters, parameters);
    }
}
