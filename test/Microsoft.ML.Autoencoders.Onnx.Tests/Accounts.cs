using Microsoft.ML;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>A small seeded table of accounts with planted anomalies, and the pipeline the ONNX route tests convert.</summary>
internal static class Accounts
{
    /// <summary>1,000 usual accounts, ten planted anomalies among them, then rows with NaN, infinity and a magnitude above 1e18.</summary>
    public static Account[] Rows()
    {
        var random = new Random(1);
        Account[] accounts = Enumerable.Range(0, 1000).Select(i =>
        {
            float age = 20 + random.Next(50);
            float balance = 100 * age + random.Next(500);
            return new Account { Age = age, Balance = balance, Amount = balance / 10 + random.Next(50) };
        }).ToArray();
        foreach (int i in new[] { 17, 115, 228, 341, 450, 562, 679, 784, 893, 966 })
        {
            accounts[i].Amount *= 5;
        }

        return
        [
            .. accounts,
            new Account { Age = float.NaN, Balance = 3000, Amount = 300 },
            new Account { Age = 30, Balance = float.PositiveInfinity, Amount = 300 },
            new Account { Age = 30, Balance = 3000, Amount = 3e18f },
            new Account { Age = 0, Balance = 0, Amount = 0 },
            new Account { Age = 1e15f, Balance = 1e16f, Amount = -1e15f },
        ];
    }

    /// <summary>Concatenate and normalize before the autoencoder, a regression trainer on its code after it.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext mlContext) =>
        mlContext.Transforms.Concatenate("Features", nameof(Account.Amount), nameof(Account.Age), nameof(Account.Balance))
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features", fixZero: false))
            .Append(mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options
            {
                CodeSize = 2, EncoderHiddenSizes = [8], Epochs = 20, Contamination = 0.02f, ScoreColumnName = "AnomalyScore", PredictedLabelColumnName = "IsAnomaly",
            }))
            .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(Account.Amount), featureColumnName: "Encoded"));

    /// <summary>The training rows: the usual accounts and the planted anomalies, without the unusable rows.</summary>
    public static IDataView Training(MLContext mlContext) => mlContext.Data.LoadFromEnumerable(Rows().Take(1000));
}

/// <summary>One account.</summary>
internal sealed class Account
{
    public float Amount { get; set; }

    public float Age { get; set; }

    public float Balance { get; set; }
}
