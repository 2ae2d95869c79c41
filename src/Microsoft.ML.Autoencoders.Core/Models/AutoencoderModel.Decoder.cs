using Microsoft.ML.Autoencoders.Members;
using Microsoft.ML.Autoencoders.Networks;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders;

/// <summary>The decoder side of a trained model: decoding any code, interpolation, and for a variational autoencoder prior samples and likelihood estimates.</summary>
public sealed partial class AutoencoderModel
{
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

        NetworkWorkspace workspace = RentWorkspace();
        try
        {
            for (int start = 0; start < rows; start += BandRows)
            {
                int count = Math.Min(BandRows, rows - start);
                _network.Infer(
                    _packedWeights, _parameters, codes.Slice(start * CodeSize, count * CodeSize), count, workspace, _network.CodeLayer + 1, _network.Layers.Count,
                    default, outputs.Slice(start * InputSize, count * InputSize));
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
        VariationalNetwork network = RequireVariational(nameof(ImportanceWeightedScore));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (inputs.ColumnCount != InputSize)
        {
            throw new ArgumentException($"The inputs have {inputs.ColumnCount} features; the model expects {InputSize}.", nameof(inputs));
        }

        float[] head = EncoderHeads(inputs);
        double[] logWeights = LogImportanceWeights(network, inputs, head, samples, new SeededRandom(seed));
        var scores = new float[inputs.RowCount];
        for (int r = 0; r < scores.Length; r++)
        {
            scores[r] = (float)-LogMeanExp(logWeights.AsSpan(r * samples, samples));
        }

        MarkUnusableRows(inputs.Values, inputs.RowCount, scores, default);
        return scores;
    }

    /// <summary>The code layer's output of every row: each row's latent mean, then its log-variance.</summary>
    private float[] EncoderHeads(FeatureMatrix inputs)
    {
        int width = _network.CodeLayerWidth;
        var head = new float[inputs.RowCount * width];
        NetworkWorkspace workspace = RentWorkspace();
        try
        {
            for (int start = 0; start < inputs.RowCount; start += BandRows)
            {
                int count = Math.Min(BandRows, inputs.RowCount - start);
                _network.Infer(_packedWeights, _parameters, inputs.Values.Slice(start * InputSize, count * InputSize), count, workspace, 0, _network.CodeLayer + 1, default, default);
                workspace.Outputs[_network.CodeLayer][..(count * width)].CopyTo(head.AsSpan(start * width, count * width));
            }
        }
        finally
        {
            _workspaces.Add(workspace);
        }

        return head;
    }

    /// <summary>log p(x|z) + log p(z) - log q(z|x) for <paramref name="samples"/> draws z ~ q(z|x) per row (row-major: one row's draws together).</summary>
    private double[] LogImportanceWeights(VariationalNetwork network, FeatureMatrix inputs, float[] head, int samples, SeededRandom random)
    {
        int rows = inputs.RowCount, latent = CodeSize;
        var z = new float[rows * latent];
        var logWeights = new double[rows * samples];
        var decoded = new float[rows * InputSize];
        var logQMinusLogP = new double[rows];
        for (int s = 0; s < samples; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                logQMinusLogP[r] = DrawLatent(head.AsSpan(r * 2 * latent, 2 * latent), z.AsSpan(r * latent, latent), random);
            }

            Decode(z, decoded);
            for (int r = 0; r < rows; r++)
            {
                double nll = ReconstructionLikelihood.Row(network.IsBernoulli, inputs.Row(r), decoded.AsSpan(r * InputSize, InputSize));
                logWeights[r * samples + s] = -nll - logQMinusLogP[r];
            }
        }

        return logWeights;
    }

    /// <summary>Draws z = mean + exp(logVariance / 2) eps from one row's <paramref name="head"/>; returns log q(z|x) - log p(z).</summary>
    private static double DrawLatent(ReadOnlySpan<float> head, Span<float> z, SeededRandom random)
    {
        int latent = z.Length;
        double difference = 0;
        for (int j = 0; j < latent; j++)
        {
            float mean = head[j];
            float lv = Math.Clamp(head[latent + j], -GaussianKl.LogVarianceLimit, GaussianKl.LogVarianceLimit);
            float eps = random.NextGaussian();
            float value = mean + MathF.Exp(0.5f * lv) * eps;
            z[j] = value;

            // log q(z|x) - log p(z) = -0.5 (eps^2 + lv) + 0.5 z^2 (the log 2 pi terms cancel).
            difference += -0.5 * (eps * (double)eps + lv) + 0.5 * value * (double)value;
        }

        return difference;
    }

    /// <summary>log of the mean of exp(<paramref name="values"/>), shifted by their maximum so that nothing overflows.</summary>
    private static double LogMeanExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (double v in values)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum / values.Length);
    }

    private VariationalNetwork RequireVariational(string method) =>
        _network as VariationalNetwork
        ?? throw new InvalidOperationException($"{method} needs a variational autoencoder (AutoencoderArchitecture.IsVariational), but this model is {Architecture}.");
}
