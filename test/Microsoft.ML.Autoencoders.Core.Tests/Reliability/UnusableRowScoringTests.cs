using Microsoft.ML.Autoencoders.Tests.Family;

namespace Microsoft.ML.Autoencoders.Tests.Reliability;

/// <summary>
/// Scoring rows the model cannot use (NaN, an infinity, or a magnitude above <see cref="FeatureMatrix.MaxMagnitude"/>): every kind of
/// model scores them <see cref="AutoencoderModel.UnusableRowScore"/> (finite, so ML.NET's evaluator keeps them), marks exactly their
/// bad features +infinity in the feature errors and NaN elsewhere, and leaves the other rows of the batch as they would be alone.
/// </summary>
[TestClass]
public sealed class UnusableRowScoringTests
{
    private const int Width = 10;

    /// <summary>Row index, then the (feature, value) pairs written into it; the other rows are left clean.</summary>
    private static readonly (int Row, (int Feature, float Value)[] Bad)[] Planted =
    [
        (1, [(2, float.NaN)]),
        (2, [(0, float.PositiveInfinity)]),
        (3, [(-1, float.NegativeInfinity)]),
        (4, [(5, 1e30f)]),
        (6, [(1, float.NaN), (7, -1e30f)]),
    ];

    private static readonly Lazy<(string Name, AutoencoderModel Model)[]> Models = new(() =>
    {
        FeatureMatrix gaussian = Data(200, Width, seed: 1, uniform: false);
        FeatureMatrix uniform = Data(200, Width, seed: 2, uniform: true);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 3 };
        AutoencoderModel plain = new AutoencoderTrainer(new AutoencoderArchitecture(Width, [6], 3), options).Train(gaussian).Model;
        AutoencoderModel convolutional = new AutoencoderTrainer(
            AutoencoderArchitecture.Convolutional(ConvolutionalTests.DenseCode, Activation.Relu, Activation.Identity, Activation.Sigmoid), options).Train(Data(60, 72, seed: 4, uniform: true)).Model;
        return
        [
            ("plain", plain),
            ("scaled errors", plain.WithErrorScales(gaussian)),
            ("scaled errors and code neighbours", plain.WithErrorScales(gaussian).WithCodeNeighbours(gaussian, neighbourCount: 5)),
            ("sigmoid output", new AutoencoderTrainer(new AutoencoderArchitecture(Width, [6], 3, null, Activation.Relu, Activation.Identity, Activation.Sigmoid), options).Train(uniform).Model),
            ("variational, Gaussian likelihood", new AutoencoderTrainer(new AutoencoderArchitecture(Width, [6], 2) { IsVariational = true }, options).Train(gaussian).Model),
            ("variational, Bernoulli likelihood", new AutoencoderTrainer(new AutoencoderArchitecture(Width, [6], 2, null, Activation.Relu, Activation.Identity, Activation.Sigmoid) { IsVariational = true }, options).Train(uniform).Model),
            ("convolutional", convolutional),
        ];
    });

    [TestMethod]
    public void Score_RowWithNaNInfinityOrHugeValue_ScoresUnusableRowScore()
    {
        foreach ((string name, AutoencoderModel model) in Models.Value)
        {
            (float[] inputs, int rows) = WithPlantedRows(model.InputSize, seed: 5);
            var scores = new float[rows];

            model.Score(inputs, scores);

            foreach ((int row, _) in Planted)
            {
                Assert.AreEqual(AutoencoderModel.UnusableRowScore, scores[row], $"{name}, row {row}");
            }

            foreach (int row in CleanRows(rows))
            {
                Assert.IsTrue(float.IsFinite(scores[row]), $"{name}, clean row {row}: {scores[row]}");
            }
        }
    }

    [TestMethod]
    public void Run_RowWithNaNInfinityOrHugeValue_FeatureErrorsAreInfinityAtItsBadFeaturesAndNaNElsewhere()
    {
        foreach ((string name, AutoencoderModel model) in Models.Value)
        {
            int n = model.InputSize;
            (float[] inputs, int rows) = WithPlantedRows(n, seed: 6);
            var scores = new float[rows];
            var errors = new float[rows * n];
            var errorsOnly = new float[rows * n];

            model.Score(inputs, scores, errors);
            model.Run(inputs, default, default, default, errorsOnly);

            foreach ((int row, (int Feature, float Value)[] bad) in Planted)
            {
                Assert.AreEqual(AutoencoderModel.UnusableRowScore, scores[row], $"{name}, row {row}");
                HashSet<int> features = bad.Select(b => Slot(b.Feature, n)).ToHashSet();
                for (int j = 0; j < n; j++)
                {
                    float expected = features.Contains(j) ? float.PositiveInfinity : float.NaN;
                    Assert.AreEqual(expected, errors[row * n + j], $"{name}, row {row}, feature {j}");
                    Assert.AreEqual(expected, errorsOnly[row * n + j], $"{name}, row {row}, feature {j}, errors without scores");
                }
            }

            foreach (int row in CleanRows(rows))
            {
                Assert.IsTrue(errors.AsSpan(row * n, n).ToArray().All(float.IsFinite), $"{name}, clean row {row}");
            }
        }
    }

    [TestMethod]
    public void Run_UnusableRowsAmongManyBands_LeaveEveryOtherRowAsItIsAlone()
    {
        foreach ((string name, AutoencoderModel model) in Models.Value)
        {
            int n = model.InputSize, c = model.CodeSize, rows = 300;
            float[] clean = Data(rows, n, seed: 7, uniform: true).Values.ToArray();
            float[] dirty = (float[])clean.Clone();
            int[] badRows = [0, 127, 128, 129, 255, 299];
            foreach (int row in badRows)
            {
                dirty[row * n + row % n] = row % 2 == 0 ? float.NaN : float.NegativeInfinity;
            }

            (float[] codes, float[] reconstructions, float[] scores, float[] errors) expected = RunAll(model, clean, rows);
            (float[] codes, float[] reconstructions, float[] scores, float[] errors) actual = RunAll(model, dirty, rows);

            for (int row = 0; row < rows; row++)
            {
                if (badRows.Contains(row))
                {
                    Assert.AreEqual(AutoencoderModel.UnusableRowScore, actual.scores[row], $"{name}, row {row}");
                    Assert.AreEqual(float.PositiveInfinity, actual.errors[row * n + row % n], $"{name}, row {row}");
                    continue;
                }

                Assert.AreEqual(expected.scores[row], actual.scores[row], $"{name}, row {row}");
                CollectionAssert.AreEqual(expected.codes.AsSpan(row * c, c).ToArray(), actual.codes.AsSpan(row * c, c).ToArray(), $"{name}, row {row}");
                CollectionAssert.AreEqual(expected.reconstructions.AsSpan(row * n, n).ToArray(), actual.reconstructions.AsSpan(row * n, n).ToArray(), $"{name}, row {row}");
                CollectionAssert.AreEqual(expected.errors.AsSpan(row * n, n).ToArray(), actual.errors.AsSpan(row * n, n).ToArray(), $"{name}, row {row}");
            }
        }
    }

    [TestMethod]
    public void ImportanceWeightedScore_RowWithNaNInfinityOrHugeValue_ScoresUnusableRowScore()
    {
        foreach ((string name, AutoencoderModel model) in Models.Value.Where(m => m.Model.IsVariational))
        {
            (float[] inputs, int rows) = WithPlantedRows(model.InputSize, seed: 8);

            float[] scores = model.ImportanceWeightedScore(new FeatureMatrix(inputs, model.InputSize), samples: 4, seed: 9);

            foreach ((int row, _) in Planted)
            {
                Assert.AreEqual(AutoencoderModel.UnusableRowScore, scores[row], $"{name}, row {row}");
            }

            foreach (int row in CleanRows(rows))
            {
                Assert.IsTrue(float.IsFinite(scores[row]), $"{name}, clean row {row}: {scores[row]}");
            }
        }
    }

    private static (float[] Inputs, int Rows) WithPlantedRows(int width, int seed)
    {
        const int rows = 8;
        float[] inputs = Data(rows, width, seed, uniform: true).Values.ToArray();
        foreach ((int row, (int Feature, float Value)[] bad) in Planted)
        {
            foreach ((int feature, float value) in bad)
            {
                inputs[row * width + Slot(feature, width)] = value;
            }
        }

        return (inputs, rows);
    }

    private static IEnumerable<int> CleanRows(int rows) => Enumerable.Range(0, rows).Where(r => Planted.All(p => p.Row != r));

    private static int Slot(int feature, int width) => feature < 0 ? width + feature : feature;

    private static (float[] Codes, float[] Reconstructions, float[] Scores, float[] Errors) RunAll(AutoencoderModel model, float[] inputs, int rows)
    {
        var codes = new float[rows * model.CodeSize];
        var reconstructions = new float[rows * model.InputSize];
        var scores = new float[rows];
        var errors = new float[rows * model.InputSize];
        model.Run(inputs, codes, reconstructions, scores, errors);
        return (codes, reconstructions, scores, errors);
    }

    private static FeatureMatrix Data(int rows, int columns, int seed, bool uniform)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = uniform ? (float)random.NextDouble() : (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return new FeatureMatrix(values, columns);
    }
}
