using System.Globalization;

namespace Microsoft.ML.Autoencoders.Benchmarks;

/// <summary>
/// One table of the tabular quality benchmark and its one-class protocol: which classes are the anomalies, which rows are left out, and
/// where the protocol comes from. The rows come from R's mlbench package through bench/peers/mlbench_tables.R.
/// </summary>
/// <param name="Name">The mlbench data set, and the CSV file's name.</param>
/// <param name="AnomalyClasses">The classes whose rows are the anomalies; every other kept row is normal.</param>
/// <param name="DroppedClasses">Classes left out of the table altogether.</param>
/// <param name="Source">Where the protocol comes from.</param>
internal sealed record TabularTable(string Name, string[] AnomalyClasses, string[] DroppedClasses, string Source)
{
    /// <summary>The suite: seven real tables, with the protocol of ODDS (odds.cs.stonybrook.edu) where it has one.</summary>
    public static readonly TabularTable[] All =
    [
        new("Ionosphere", ["bad"], [], "ODDS ionosphere: the 'bad' radar returns are the outliers"),
        new("Sonar", ["R"], [], "not in ODDS: the rocks are the anomalies, the mines normal"),
        new("Glass", ["6"], [], "ODDS glass: class 6 (tableware) is the outlier class"),
        new("Vehicle", ["van"], [], "not in ODDS: the vans are the anomalies, the three cars (bus, opel, saab) normal"),
        new("Satellite", ["cotton crop", "damp grey soil", "vegetation stubble"], [], "ODDS satellite: the three smallest classes (2, 4, 5) are the outliers"),
        new("Shuttle", ["Fpv.Close", "Fpv.Open", "Bypass", "Bpv.Close", "Bpv.Open"], ["High"], "ODDS shuttle: class 1 (Rad.Flow) is normal, class 4 (High) is left out, the others are outliers"),
        new("PimaIndiansDiabetes", ["pos"], [], "ODDS pima: the diabetic patients are the outliers"),
    ];

    /// <summary>The table's rows as read from <c>NAME.csv</c> in <paramref name="directory"/>: features, and whether each row is an anomaly.</summary>
    public (float[][] Rows, bool[] Anomalous) Read(string directory)
    {
        string path = Path.Combine(directory, Name + ".csv");
        var rows = new List<float[]>();
        var anomalous = new List<bool>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            int split = line.LastIndexOf(',');
            string label = line[(split + 1)..].Trim('"');
            if (DroppedClasses.Contains(label))
            {
                continue;
            }

            rows.Add(line[..split].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
            anomalous.Add(AnomalyClasses.Contains(label));
        }

        if (!anomalous.Contains(true) || !anomalous.Contains(false))
        {
            throw new InvalidDataException($"{path}: the protocol of {Name} (anomalies: {string.Join(", ", AnomalyClasses)}) leaves no anomaly or no normal row; the classes of the file do not match.");
        }

        return (rows.ToArray(), anomalous.ToArray());
    }
}
