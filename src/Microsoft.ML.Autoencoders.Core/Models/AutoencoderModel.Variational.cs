using Microsoft.ML.Autoencoders.Losses;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders;

/// <summary>The decoder side of a trained model: decoding any code, interpolation, and for a variational autoencoder prior samples and likelihood estimates.</summary>
public sealed partial class AutoencoderModel
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Whether the model is a variational autoencoder (see <see cref="AutoencoderArchitecture.IsVariational"/>).</summary>
    public bool IsVariational => Architecture.IsVariational;

    /// <summary>
    /// Decodes each row of <paramref name="codes"/> (<see cref="CodeSize"/> values per row: a code, or a latent vector of a variational autoencoder)
    /// into <paramref name="outputs"/> (<see cref="InputSize"/> values per row).
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    public void Decode(ReadOnlySpan<float> codes, Span<float> outputs)
    {
        if (codes.Length % CodeSize != 0)
        {
            throw new ArgumentException($"The {codes.Length} code values do not split into rows of {CodeSize}; expected a multiple of {CodeSize}.", nameof(codes));
        }

        int rows = codes.Length / CodeSize;
        if (outputs.Length != rows * InputSize)
        {
            throw new ArgumentException($"{nameof(outputs)} has {outputs.Length} values; expected {rows * InputSize} for {rows} codes.", nameof(outputs));
        }

        if (_convolutional != null)
        {
            DecodeConvolutional(codes, rows, outputs);
            return;
        }

        NetworkWorkspace workspace = RentWorkspace();
        try
        {
            int last = _network.Layers.Count - 1;
            for (int start = 0; start < rows; start += ChunkRows)
            {
                int count = Math.Min(ChunkRows, rows - start);
                ReadOnlySpan<float> layerInput = codes.Slice(start * CodeSize, count * CodeSize);
                for (int i = _network.CodeLayer + 1; i <= last; i++)
                {
                    Span<float> output = i == last ? outputs.Slice(start * InputSize, count * InputSize) : workspace.Outputs[i][..(count * _network.Layers[i].OutputSize)];
                    _network.Layers[i].Forward(_packedWeights[i], _parameters, layerInput, count, output);
                    layerInput = output;
                }
            }
        }
        finally
        {
            _workspaces.Add(workspace);
        }
    }

    /// <summary>Decodes every row of <paramref name="codes"/>.</summary>
    public FeatureMatrix Decode(FeatureMatrix codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var outputs = new float[codes.RowCount * InputSize];
        Decode(codes.Values, outputs);
        return new FeatureMatrix(outputs, InputSize);
    }

    /// <summary>
    /// Decodes <paramref name="steps"/> codes evenly spaced on the segment from the code of <paramref name="from"/> to the code of <paramref name="to"/>
    /// (the latent means of a variational autoencoder), both ends included.
    /// </summary>
    /// <exception cref="ArgumentException">An input does not have <see cref="InputSize"/> features, or <paramref name="steps"/> is below 2.</exception>
    public FeatureMatrix Interpolate(ReadOnlySpan<float> from, ReadOnlySpan<float> to, int steps)
    {
        if (from.Length != InputSize || to.Length != InputSize)
        {
            throw new ArgumentException($"Both inputs must have {InputSize} features; they have {from.Length} and {to.Length}.", nameof(from));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var ends = new float[2 * CodeSize];
        float[] pair = [.. from, .. to];
        Encode(pair, ends);
        var codes = new float[steps * CodeSize];
        for (int s = 0; s < steps; s++)
        {
            float t = s / (float)(steps - 1);
            for (int j = 0; j < CodeSize; j++)
            {
                codes[s * CodeSize + j] = (1 - t) * ends[j] + t * ends[CodeSize + j];
            }
        }

        return Decode(new FeatureMatrix(codes, CodeSize));
    }

    /// <summary>Draws <paramref name="count"/> latent vectors from the standard normal prior (seeded by <paramref name="seed"/>) and decodes them.</summary>
    /// <exception cref="InvalidOperationException">The model is not variational.</exception>
    public FeatureMatrix SamplePrior(int count, int seed)
    {
        RequireVariational(nameof(SamplePrior));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new SeededRandom(seed);
        var latent = new float[count * CodeSize];
        for (int i = 0; i < latent.Length; i++)
        {
            latent[i] = random.NextGaussian();
        }

        return Decode(new FeatureMatrix(latent, CodeSize));
    }

    /// <summary>
    /// An importance-weighted estimate of -log p(x) per row (higher is more anomalous): -log of the mean over <paramref name="samples"/> draws
    /// z ~ q(z|x) of p(x|z) p(z) / q(z|x). Never above the negative ELBO in expectation; tighter as <paramref name="samples"/> grows.
    /// A row holding NaN, an infinity or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/> scores <see cref="UnusableRowScore"/>, as in
    /// <see cref="Score(ReadOnlySpan{float}, Span{float}, Span{float})"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not variational.</exception>
    public float[] ImportanceWeightedScore(FeatureMatrix inputs, int samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        RequireVariational(nameof(ImportanceWeightedScore));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (inputs.ColumnCount != InputSize)
        {
            throw new ArgumentException($"The inputs have {inputs.ColumnCount} features; the model expects {InputSize}.", nameof(inputs));
        }

        int rows = inputs.RowCount, latent = CodeSize;
        var random = new SeededRandom(seed);
        var head = new float[rows * 2 * latent];
        int codeLayer = _network.CodeLayer;

        // The encoder once, through the workspace, keeping each row's mean and log-variance.
        NetworkWorkspace workspace = RentWorkspace();
        try
        {
            for (int start = 0; start < rows; start += ChunkRows)
            {
                int count = Math.Min(ChunkRows, rows - start);
                ReadOnlySpan<float> layerInput = inputs.Values.Slice(start * InputSize, count * InputSize);
                for (int i = 0; i <= codeLayer; i++)
                {
                    Span<float> output = i == codeLayer ? head.AsSpan(start * 2 * latent, count * 2 * latent) : workspace.Outputs[i][..(count * _network.Layers[i].OutputSize)];
                    _network.Layers[i].Forward(_packedWeights[i], _parameters, layerInput, count, output);
                    layerInput = output;
                }
            }
        }
        finally
        {
            _workspaces.Add(workspace);
        }

        bool bernoulli = ReconstructionLikelihood.IsBernoulli(Architecture);
        var z = new float[rows * latent];
        var logWeights = new double[rows * samples];
        var decoded = new float[rows * InputSize];
        var logQMinusLogP = new double[rows];
        for (int s = 0; s < samples; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                double difference = 0;
                for (int j = 0; j < latent; j++)
                {
                    float mean = head[r * 2 * latent + j];
                    float lv = Math.Clamp(head[r * 2 * latent + latent + j], -GaussianKl.LogVarianceLimit, GaussianKl.LogVarianceLimit);
                    float eps = random.NextGaussian();
                    float value = mean + MathF.Exp(0.5f * lv) * eps;
                    z[r * latent + j] = value;

                    // log q(z|x) - log p(z) = -0.5 (eps^2 + lv) + 0.5 z^2 (the log 2 pi terms cancel).
                    difference += -0.5 * (eps * (double)eps + lv) + 0.5 * value * (double)value;
                }

                logQMinusLogP[r] = difference;
            }

            Decode(z, decoded);
            for (int r = 0; r < rows; r++)
            {
                double nll = NegativeLogLikelihood(bernoulli, inputs.Row(r), decoded.AsSpan(r * InputSize, InputSize));
                logWeights[r * samples + s] = -nll - logQMinusLogP[r];
            }
        }

        var scores = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<double> w = logWeights.AsSpan(r * samples, samples);
            double max = double.NegativeInfinity;
            foreach (double v in w)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            foreach (double v in w)
            {
                sum += Math.Exp(v - max);
            }

            scores[r] = (float)-(max + Math.Log(sum / samples));
        }

        MarkUnusableRows(inputs.Values, rows, scores, default);
        return scores;
    }

    /// <summary>Replaces the scores of a chunk with the negative ELBO at the latent mean: reconstruction negative log-likelihood plus KL.</summary>
    private void ScoreElbo(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> head, int rows, Span<float> scores)
    {
        bool bernoulli = ReconstructionLikelihood.IsBernoulli(Architecture);
        for (int r = 0; r < rows; r++)
        {
            double nll = NegativeLogLikelihood(bernoulli, x.Slice(r * InputSize, InputSize), y.Slice(r * InputSize, InputSize));
            scores[r] = (float)(nll + GaussianKl.Row(head, r, CodeSize));
        }
    }

    /// <summary>-log p(x | decoder output y): Bernoulli from sigmoid outputs (clamped away from 0 and 1), else a unit-variance Gaussian.</summary>
    private double NegativeLogLikelihood(bool bernoulli, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        if (bernoulli)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double p = Math.Clamp(y[i], 1e-7, 1 - 1e-7);
                sum -= x[i] * Math.Log(p) + (1 - x[i]) * Math.Log(1 - p);
            }

            return sum;
        }

        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            sum += 0.5 * d * d;
        }

        return sum + HalfLogTwoPi * x.Length;
    }

    private void RequireVariational(string method)
    {
        if (!IsVariational)
        {
            throw new InvalidOperationException($"{method} needs a variational autoencoder (AutoencoderArchitecture.IsVariational), but this model is {Architecture}.");
        }
    }
}
