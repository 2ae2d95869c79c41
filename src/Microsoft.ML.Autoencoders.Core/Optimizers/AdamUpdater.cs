using System.Runtime.CompilerServices;
using System.Numerics;
using Microsoft.ML.Autoencoders.Kernels;

namespace Microsoft.ML.Autoencoders.Optimizers;

/// <summary>Adam (Kingma and Ba), with weight decay either coupled (added to the gradient) or decoupled (AdamW).</summary>
internal sealed class AdamUpdater : IParameterUpdater, IParallelWork
{
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;
    private readonly float _beta1, _beta2, _epsilon, _weightDecay;
    private readonly bool _decoupled;
    private int _step;
    private float[] _parameters = [];
    private float[] _gradients = [];
    private float _learningRate;
    private const int ChunkSize = 1 << 16;

    public AdamUpdater(int parameterCount, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        _firstMoment = new float[parameterCount];
        _secondMoment = new float[parameterCount];
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _decoupled = decoupled;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(float[] parameters, float[] gradients, float learningRate)
    {
        _step++;
        _parameters = parameters;
        _gradients = gradients;
        _learningRate = learningRate;
        WorkerPool.Run((parameters.Length + ChunkSize - 1) / ChunkSize, this);
    }

    /// <summary>Updates the parameters of chunk <paramref name="index"/>: each parameter's update depends on it alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int start = index * ChunkSize;
        int length = Math.Min(ChunkSize, _parameters.Length - start);
        Update(_parameters.AsSpan(start, length), _gradients.AsSpan(start, length), _firstMoment.AsSpan(start, length), _secondMoment.AsSpan(start, length), _learningRate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float learningRate)
    {
        float stepSize = learningRate / (1f - MathF.Pow(_beta1, _step));
        float secondCorrection = 1f / (1f - MathF.Pow(_beta2, _step));
        float coupledDecay = _decoupled ? 0f : _weightDecay;
        float shrink = _decoupled ? 1f - learningRate * _weightDecay : 1f;

        var b1 = new Vector<float>(_beta1);
        var b2 = new Vector<float>(_beta2);
        var c1 = new Vector<float>(1f - _beta1);
        var c2 = new Vector<float>(1f - _beta2);
        var decay = new Vector<float>(coupledDecay);
        var vShrink = new Vector<float>(shrink);
        var vStep = new Vector<float>(stepSize);
        var vCorrection = new Vector<float>(secondCorrection);
        var vEpsilon = new Vector<float>(_epsilon);
        int i = 0;
        for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var p = new Vector<float>(parameters[i..]);
            var g = new Vector<float>(gradients[i..]) + decay * p;
            var mi = b1 * new Vector<float>(m[i..]) + c1 * g;
            var vi = b2 * new Vector<float>(v[i..]) + c2 * g * g;
            mi.CopyTo(m[i..]);
            vi.CopyTo(v[i..]);
            p = p * vShrink - vStep * mi / (Vector.SquareRoot(vi * vCorrection) + vEpsilon);
            p.CopyTo(parameters[i..]);
        }

        for (; i < parameters.Length; i++)
        {
            float g = gradients[i] + coupledDecay * parameters[i];
            m[i] = _beta1 * m[i] + (1f - _beta1) * g;
            v[i] = _beta2 * v[i] + (1f - _beta2) * g * g;
            parameters[i] = parameters[i] * shrink - stepSize * m[i] / (MathF.Sqrt(v[i] * secondCorrection) + _epsilon);
        }
    }
}
