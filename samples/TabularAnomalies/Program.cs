// Anomalies in a business table: orders with numeric and categorical columns, some of them planted anomalies.
// ML.NET's own transforms prepare the features (standardization, one-hot, concatenation), an
// autoencoder scores each row, and the per-feature errors say which columns make each flagged row unusual.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Autoencoders;
using Microsoft.ML.Autoencoders.Samples;
using Microsoft.ML.Data;

int rowCount = args.Length > 0 ? int.Parse(args[0]) : 20_000;
int codeSize = args.Length > 1 ? int.Parse(args[1]) : 3;
int hidden = args.Length > 2 ? int.Parse(args[2]) : 16;
int epochs = args.Length > 3 ? int.Parse(args[3]) : 40;
const float anomalyFraction = 0.01f;
var clock = Stopwatch.StartNew();
var mlContext = new MLContext(seed: 1);

Order[] orders = Orders.Generate(rowCount, anomalyFraction, seed: 7);
IDataView data = mlContext.Data.LoadFromEnumerable(orders);
Console.WriteLine($"{rowCount:N0} orders, {orders.Count(o => o.Label == 1):N0} of them planted anomalies ({string.Join(", ", orders.Where(o => o.Planted != "").GroupBy(o => o.Planted).Select(g => $"{g.Count()} {g.Key}"))}).");

string[] numeric = [nameof(Order.Amount), nameof(Order.Hour), nameof(Order.Items), nameof(Order.CustomerAge)];
string[] categorical = [nameof(Order.Channel), nameof(Order.Country), nameof(Order.Payment)];
var pipeline = mlContext.Transforms.NormalizeMeanVariance([.. numeric.Select(c => new InputOutputColumnPair(c))], fixZero: false) // mean 0, variance 1
    .Append(mlContext.Transforms.Categorical.OneHotEncoding([.. categorical.Select(c => new InputOutputColumnPair(c))]))
    .Append(mlContext.Transforms.Concatenate("Features", [.. numeric, .. categorical]))
    .Append(mlContext.Autoencoders.Autoencoder(new AutoencoderEstimator.Options
    {
        EncoderHiddenSizes = [hidden],
        CodeSize = codeSize,
        Epochs = epochs,
        BatchSize = 64,
        Contamination = anomalyFraction,
        Seed = 5,
    }));

ITransformer model = TrainingProgress.Run(mlContext, $"Training a {hidden}-{codeSize} autoencoder on the orders", () => pipeline.Fit(data));
IDataView scored = model.Transform(data);
AnomalyDetectionMetrics metrics = mlContext.AnomalyDetection.Evaluate(scored);
float[] scores = Columns.Read<float>(scored, "Score");
bool[] flagged = Columns.Read<bool>(scored, "PredictedLabel");
float[][] errors = Columns.ReadVectors(scored, "FeatureErrors");

// Which original column each feature slot came from: the one-hot slots of "Country" are named "Country.DE", "Country.FR", ...
VBuffer<ReadOnlyMemory<char>> slotNames = default;
scored.Schema["Features"].GetSlotNames(ref slotNames);
string[] slotColumn = slotNames.DenseValues().Select(n => n.ToString().Split('.')[0]).ToArray();
string[] columns = [.. numeric, .. categorical];

int truePositives = Enumerable.Range(0, rowCount).Count(i => flagged[i] && orders[i].Label == 1);
Console.WriteLine();
Console.WriteLine($"AUROC {metrics.AreaUnderRocCurve:F4}; {flagged.Count(f => f):N0} rows flagged, {truePositives} of them planted (precision {(double)truePositives / Math.Max(1, flagged.Count(f => f)):P0}, recall {(double)truePositives / orders.Count(o => o.Label == 1):P0}).");

// Each column's error in a row (summed over its slots), as a multiple of that column's mean error over all rows: a column
// that is always hard to rebuild does not explain a flag; one whose error is many times its usual size does.
double[][] columnErrors = errors.Select(e => columns.Select(c => Enumerable.Range(0, slotColumn.Length).Where(s => slotColumn[s] == c).Sum(s => (double)e[s])).ToArray()).ToArray();
double[] usual = Enumerable.Range(0, columns.Length).Select(c => columnErrors.Average(e => e[c])).ToArray();
(string Column, double Times)[] Explain(int row) =>
    columns.Select((c, j) => (c, columnErrors[row][j] / usual[j])).OrderByDescending(p => p.Item2).ToArray();

Console.WriteLine();
Console.WriteLine("The 15 highest-scoring orders, with the columns that explain them (each column's error as a multiple of its usual error):");
Console.WriteLine($"{"row",6} {"score",7}  {"amount",9} {"hour",4} {"items",5} {"age",3} {"channel",-7} {"country",-7} {"payment",-7}  {"planted",-8} explained by");
foreach (int i in Enumerable.Range(0, rowCount).OrderByDescending(i => scores[i]).Take(15))
{
    Order o = orders[i];
    string why = string.Join(", ", Explain(i).Take(2).Select(p => $"{p.Column} x{p.Times:F0}"));
    Console.WriteLine($"{i,6} {scores[i],7:F2}  {o.Amount,9:N2} {o.Hour,4:F0} {o.Items,5:F0} {o.CustomerAge,3:F0} {o.Channel,-7} {o.Country,-7} {o.Payment,-7}  {(o.Planted == "" ? "-" : o.Planted),-8} {why}");
}

// How often the column an anomaly was planted in is among the two most unusual errors of its row. An anomaly that breaks a
// relation between two columns (an amount too high for the items, an invoice from the wrong country) shows in both.
var planted = Enumerable.Range(0, rowCount).Where(i => orders[i].Planted != "" && flagged[i]).ToArray();
Console.WriteLine();
Console.WriteLine("Flagged planted anomalies whose planted column is among the two most unusual errors of the row:");
foreach (var group in planted.GroupBy(i => orders[i].Planted))
{
    int right = group.Count(i => Explain(i).Take(2).Any(p => p.Column == Orders.ColumnOf(group.Key)));
    Console.WriteLine($"  {group.Key,-8} ({Orders.ColumnOf(group.Key),-11}) {right,3} of {group.Count(),3}");
}

// Pictures: the loss curve, and every order's score coloured by what was planted in it.
string output = OutputFolder.For("TabularAnomalies");
var history = ((IEnumerable<ITransformer>)model).OfType<AutoencoderTransformer>().Single().TrainingHistory;
Charts.LineChart(Path.Combine(output, "loss.png"), "Autoencoder on the orders", "epoch", "mean squared error",
    new Series("training", history.Select(h => (double)h.Epoch).ToList(), history.Select(h => h.TrainingLoss).ToList()));
string[] kinds = ["none", "price", "night", "invoice", "age"];
Charts.Scatter(Path.Combine(output, "scores.png"), "Anomaly score of each order, by what was planted in it", "order", "score",
    Enumerable.Range(0, rowCount).Select(i => ((double)i, (double)scores[i], Array.IndexOf(kinds, orders[i].Planted == "" ? "none" : orders[i].Planted))).OrderBy(p => p.Item3).ToList(), // planted ones drawn on top
    kinds.Select(k => k == "none" ? "nothing planted" : $"planted: {k}").ToArray());
Console.WriteLine($"Pictures: {Path.Combine(output, "loss.png")}, scores.png");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");

/// <summary>One order: four numeric columns, three categorical ones, and what was planted in it.</summary>
internal sealed class Order
{
    /// <summary>Total price.</summary>
    public float Amount { get; set; }

    /// <summary>Hour of the day the order was placed, 0 to 23.</summary>
    public float Hour { get; set; }

    /// <summary>Number of items.</summary>
    public float Items { get; set; }

    /// <summary>Age of the customer in years.</summary>
    public float CustomerAge { get; set; }

    /// <summary>"web", "store" or "phone".</summary>
    public string Channel { get; set; } = "";

    /// <summary>"DE", "FR", "UK" or "US".</summary>
    public string Country { get; set; } = "";

    /// <summary>"card", "paypal" or "invoice" (which only German customers may use).</summary>
    public string Payment { get; set; } = "";

    /// <summary>1 for a planted anomaly, 0 otherwise: the label ML.NET's anomaly evaluator reads.</summary>
    public float Label { get; set; }

    /// <summary>What was planted: "", or the kind of anomaly.</summary>
    [NoColumn]
    public string Planted { get; set; } = "";
}

/// <summary>Generates orders with the regularities an autoencoder can learn, and plants anomalies that break one each.</summary>
internal static class Orders
{
    private static readonly string[] Kinds = ["price", "night", "invoice", "age"];

    /// <summary>The column an anomaly of <paramref name="kind"/> was planted in.</summary>
    public static string ColumnOf(string kind) => kind switch
    {
        "price" => nameof(Order.Amount),
        "night" => nameof(Order.Hour),
        "invoice" => nameof(Order.Payment),
        _ => nameof(Order.CustomerAge),
    };

    public static Order[] Generate(int count, float anomalyFraction, int seed)
    {
        var random = new Random(seed);
        double Normal(double mean, double deviation) =>
            mean + deviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        T Pick<T>(params (T Value, double Weight)[] choices)
        {
            double u = random.NextDouble() * choices.Sum(c => c.Weight);
            foreach ((T value, double weight) in choices)
            {
                if ((u -= weight) < 0)
                {
                    return value;
                }
            }

            return choices[^1].Value;
        }

        var orders = new Order[count];
        for (int i = 0; i < count; i++)
        {
            string channel = Pick(("web", 0.6), ("store", 0.3), ("phone", 0.1));
            string country = Pick(("DE", 0.4), ("FR", 0.25), ("UK", 0.2), ("US", 0.15));
            string payment = country == "DE" ? Pick(("card", 0.4), ("invoice", 0.4), ("paypal", 0.2)) : Pick(("card", 0.7), ("paypal", 0.3));
            double age = Math.Clamp(channel == "phone" ? Normal(64, 7) : Normal(38, 11), 18, 90);
            double hour = channel switch
            {
                "store" => random.Next(9, 20),
                "phone" => random.Next(8, 18),
                _ => (Math.Round(Normal(20, 2.5)) + 24) % 24,
            };
            int items = 1 + (int)Math.Floor(-Math.Log(1 - random.NextDouble()) * 2.5);
            double unitPrice = Math.Exp(Normal(Math.Log(25), 0.35)) * (country == "US" ? 1.2 : 1);
            var order = new Order { Channel = channel, Country = country, Payment = payment, CustomerAge = (float)Math.Round(age), Hour = (float)hour, Items = items, Amount = (float)Math.Round(items * unitPrice, 2) };
            if (random.NextDouble() < anomalyFraction)
            {
                order.Planted = Kinds[random.Next(Kinds.Length)];
                order.Label = 1;
                switch (order.Planted)
                {
                    case "price": order.Amount *= 12; break;                                                  // a price far above the items' worth
                    case "night": order.Channel = "store"; order.Hour = random.Next(1, 5); break;             // a shop open at 3 a.m.
                    case "invoice": order.Country = Pick(("FR", 1.0), ("UK", 1.0), ("US", 1.0)); order.Payment = "invoice"; break; // invoice abroad
                    default: order.Channel = "phone"; order.CustomerAge = random.Next(18, 23); break;           // phone orders come from older customers
                }
            }

            orders[i] = order;
        }

        return orders;
    }
}
