using Microsoft.ML.Autoencoders.Backends;

namespace Microsoft.ML.Autoencoders.Tests.Backends;

/// <summary>
/// The least a backend written outside this repository needs: plain SGD on mean squared error for a fully connected autoencoder, in scalar C#,
/// reading and writing the engine's parameter vector through <see cref="ParameterLayout"/> alone. It refuses what it does not implement.
/// </summary>
internal sealed class PlainSgdBackend : TrainingBackend
{
    private static readonly Activation[] Supported = [Activation.Identity, Activation.Relu, Activation.Tanh, Activation.Sigmoid];

    protected override ITrainingSession CreateSession(TrainingSessionRequest request)
    {
        if (ContractVersion != 2)
        {
            throw new InvalidOperationException($"{nameof(PlainSgdBackend)} implements backend contract version 2, not {ContractVersion}.");
        }

        TrainingOptions o = request.Options;
        AutoencoderArchitecture a = request.Architecture;
        bool plain = a.Convolution == null && !a.IsVariational && a.WinnerTakeAllK == 0 && o.Loss == LossFunction.MeanSquaredError
            && o.Optimizer == Optimizer.Sgd && o.Momentum == 0f && o.WeightDecay == 0f && o.GradientClipNorm == 0f && o.Noise == NoiseKind.None
            && o.CodeL1Penalty == 0f && o.SparsityPenalty == 0f && o.ContractivePenalty == 0f && o.DropoutRate == 0f && o.LifetimeSparsity == 0f;
        DenseLayerDescription[] layers = request.Layout.Layers.OfType<DenseLayerDescription>().ToArray();
        if (!plain || layers.Any(l => !Supported.Contains(l.Activation)))
        {
            throw new NotSupportedException($"{nameof(PlainSgdBackend)} trains plain dense networks with {string.Join(", ", Supported)} activations on mean squared error with momentum-free SGD; not {a} with these options.");
        }

        return new Session(layers, request.InitialParameters.ToArray(), request.Options.BatchSize);
    }

    private sealed class Session : ITrainingSession
    {
        private readonly DenseLayerDescription[] _layers;
        private readonly float[] _parameters;
        private readonly float[] _gradients;
        private readonly float[][] _outputs;
        private readonly int _batchSize;
        private FeatureMatrix? _block;

        public Session(DenseLayerDescription[] layers, float[] parameters, int batchSize)
        {
            _layers = layers;
            _parameters = parameters;
            _gradients = new float[parameters.Length];
            _batchSize = batchSize;
            _outputs = [new float[batchSize * layers[0].InputSize], .. layers.Select(l => new float[batchSize * l.OutputSize])];
        }

        public void UseBlock(FeatureMatrix block) => _block = block;

        public double Step(ReadOnlySpan<int> rows, float learningRate)
        {
            double loss = Forward(_block!, rows);
            if (!double.IsFinite(loss))
            {
                return double.NaN;
            }

            Backward(rows.Length);
            for (int i = 0; i < _parameters.Length; i++)
            {
                _parameters[i] -= learningRate * _gradients[i];
            }

            return loss;
        }

        public double Evaluate(FeatureMatrix data, int[]? rows)
        {
            int[] all = rows ?? Enumerable.Range(0, data.RowCount).ToArray();
            double sum = 0;
            for (int start = 0; start < all.Length; start += _batchSize)
            {
                int count = Math.Min(_batchSize, all.Length - start);
                sum += Forward(data, all.AsSpan(start, count)) * count;
            }

            return sum / all.Length;
        }

        public bool ParametersAreFinite() => _parameters.All(float.IsFinite);

        public void CopyParametersTo(float[] target) => _parameters.CopyTo(target, 0);

        public void LoadParameters(float[] source) => source.AsSpan(0, _parameters.Length).CopyTo(_parameters);

        public void Dispose()
        {
        }

        /// <summary>Runs the rows through every layer, keeping each output; returns the mean squared error over the rows' values.</summary>
        private double Forward(FeatureMatrix data, ReadOnlySpan<int> rows)
        {
            int features = data.ColumnCount;
            for (int r = 0; r < rows.Length; r++)
            {
                data.Row(rows[r]).CopyTo(_outputs[0].AsSpan(r * features, features));
            }

            for (int l = 0; l < _layers.Length; l++)
            {
                DenseLayerDescription layer = _layers[l];
                (int inputs, int outputs) = (layer.InputSize, layer.OutputSize);
                float[] x = _outputs[l], y = _outputs[l + 1];
                for (int r = 0; r < rows.Length; r++)
                {
                    for (int j = 0; j < outputs; j++)
                    {
                        float z = _parameters[layer.Bias.Offset + j];
                        for (int i = 0; i < inputs; i++)
                        {
                            z += x[r * inputs + i] * _parameters[layer.Weights.Offset + i * outputs + j];
                        }

                        y[r * outputs + j] = layer.Activation switch
                        {
                            Activation.Relu => Math.Max(z, 0f),
                            Activation.Tanh => MathF.Tanh(z),
                            Activation.Sigmoid => 1f / (1f + MathF.Exp(-z)),
                            _ => z,
                        };
                    }
                }
            }

            float[] input = _outputs[0], reconstruction = _outputs[^1];
            double sum = 0;
            for (int v = 0; v < rows.Length * features; v++)
            {
                double error = reconstruction[v] - input[v];
                sum += error * error;
            }

            return sum / (rows.Length * features);
        }

        /// <summary>The gradient of the mean squared error of the last forward pass, into every weight and bias.</summary>
        private void Backward(int rows)
        {
            float[] input = _outputs[0], reconstruction = _outputs[^1];
            var delta = new float[rows * _layers[^1].OutputSize];
            for (int v = 0; v < delta.Length; v++)
            {
                delta[v] = 2f * (reconstruction[v] - input[v]) / delta.Length;
            }

            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                DenseLayerDescription layer = _layers[l];
                (int inputs, int outputs) = (layer.InputSize, layer.OutputSize);
                float[] x = _outputs[l], y = _outputs[l + 1];
                for (int v = 0; v < rows * outputs; v++)
                {
                    delta[v] *= layer.Activation switch
                    {
                        Activation.Relu => y[v] > 0f ? 1f : 0f,
                        Activation.Tanh => 1f - y[v] * y[v],
                        Activation.Sigmoid => y[v] * (1f - y[v]),
                        _ => 1f,
                    };
                }

                var previous = new float[rows * inputs];
                for (int i = 0; i < inputs; i++)
                {
                    for (int j = 0; j < outputs; j++)
                    {
                        int w = layer.Weights.Offset + i * outputs + j;
                        float gradient = 0f;
                        for (int r = 0; r < rows; r++)
                        {
                            gradient += x[r * inputs + i] * delta[r * outputs + j];
                            previous[r * inputs + i] += delta[r * outputs + j] * _parameters[w];
                        }

                        _gradients[w] = gradient;
                    }
                }

                for (int j = 0; j < outputs; j++)
                {
                    float gradient = 0f;
                    for (int r = 0; r < rows; r++)
                    {
                        gradient += delta[r * outputs + j];
                    }

                    _gradients[layer.Bias.Offset + j] = gradient;
                }

                delta = previous;
            }
        }
    }
}
