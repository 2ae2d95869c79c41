using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Runtime;
using Spectre.Console;

namespace Microsoft.ML.Autoencoders.Samples;

/// <summary>
/// Shows training as it happens: a live progress bar (epoch, losses, samples/s, time left) when the output is a
/// terminal; when it is redirected to a file or a pipe, plain lines for the first and last epochs and about
/// <see cref="PlainLines"/> evenly spaced between them.
/// </summary>
public static partial class TrainingProgress
{
    /// <summary>About how many epoch lines redirected output gets, however many epochs there are: every one up to this many.</summary>
    public const int PlainLines = 20;

    /// <summary>
    /// Runs <paramref name="train"/>, which fits one or more autoencoder estimators of <paramref name="mlContext"/>,
    /// and shows the epochs they report on the context's log.
    /// </summary>
    public static T Run<T>(MLContext mlContext, string title, Func<T> train)
    {
        return Run(title, progress =>
        {
            void OnLog(object? sender, LoggingEventArgs e)
            {
                if (!e.Source.StartsWith(nameof(AutoencoderEstimator), StringComparison.Ordinal))
                {
                    return;
                }

                if (TryParse(e.Message, out EpochReport? report))
                {
                    progress.Report(report);
                }
                else if (e.Kind is ChannelMessageKind.Warning or ChannelMessageKind.Error || e.Message.Contains("Epoch ", StringComparison.Ordinal))
                {
                    // Divergence and skipped rows arrive as warnings, and an epoch line this parser no longer reads is still news: show them as they are.
                    Console.Error.WriteLine(e.Message[(e.Message.IndexOf("] ", StringComparison.Ordinal) + 2)..]);
                }
            }

            mlContext.Log += OnLog;
            try
            {
                return train();
            }
            finally
            {
                mlContext.Log -= OnLog;
            }
        });
    }

    /// <summary>Runs <paramref name="train"/>, which reports each epoch to the progress it is handed (as the engine's trainer does).</summary>
    public static T Run<T>(string title, Func<IProgress<EpochReport>, T> train)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            Console.WriteLine(title);
            return train(new SyncProgress(report =>
            {
                int every = (report.EpochCount + PlainLines - 1) / PlainLines;
                if (report.Epoch == 1 || report.Epoch == report.EpochCount || report.Epoch % every == 0)
                {
                    Console.WriteLine("  " + Describe(report, withTime: true));
                }
            }));
        }

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var metrics = new MetricsColumn();
        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new RemainingTimeColumn(), metrics)
            .Start(context =>
            {
                ProgressTask task = context.AddTask("starting", maxValue: 1);
                T result = train(new SyncProgress(report =>
                {
                    task.MaxValue = report.EpochCount;
                    task.Value = report.Epoch;
                    task.Description = $"epoch {report.Epoch}/{report.EpochCount}";
                    string validation = report.ValidationLoss is double loss ? $" val {loss:G4}" : "";
                    metrics.Text = $"loss {report.TrainingLoss:G4}{validation} {report.SamplesPerSecond:N0}/s";
                }));
                task.Value = task.MaxValue; // early stopping ends before the last epoch
                task.StopTask();
                return result;
            });
    }

    /// <summary>Runs a step that reports no epochs (another trainer, a transform): a spinner in a terminal, a plain line otherwise.</summary>
    public static T Step<T>(string title, Func<T> step)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            Console.WriteLine(title);
            return step();
        }

        T result = AnsiConsole.Status().Start(title, _ => step());
        AnsiConsole.MarkupLine($"{Markup.Escape(title)} [green]done[/]");
        return result;
    }

    /// <summary>One line describing an epoch.</summary>
    public static string Describe(EpochReport report, bool withTime)
    {
        string validation = report.ValidationLoss is double loss ? $"  validation {loss:G4}" : "";
        string line = $"epoch {report.Epoch,3}/{report.EpochCount}  loss {report.TrainingLoss:G4}{validation}  {report.SamplesPerSecond,7:N0} samples/s";
        if (!withTime)
        {
            return line;
        }

        double left = report.Elapsed.TotalSeconds / report.Epoch * (report.EpochCount - report.Epoch);
        return $"{line}  {report.Elapsed.TotalSeconds,5:F1} s, {left:F0} s left";
    }

    // The estimator logs "Epoch 3/15: training loss 0.01, validation loss 0.02, learning rate 0.001, 61,234 rows/s, 4.2 s elapsed."
    // in the current culture; that log line is the one public view of its epochs.
    private static bool TryParse(string message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EpochReport? report)
    {
        report = null;
        Match match = EpochLine().Match(message);
        if (!match.Success)
        {
            return false;
        }

        CultureInfo culture = CultureInfo.CurrentCulture;
        double Number(string group) => double.Parse(match.Groups[group].Value, NumberStyles.Any, culture);
        report = new EpochReport(
            int.Parse(match.Groups["epoch"].Value, culture),
            int.Parse(match.Groups["count"].Value, culture),
            Number("loss"),
            match.Groups["validation"].Success ? Number("validation") : null,
            (float)Number("rate"),
            Number("speed"),
            TimeSpan.FromSeconds(Number("elapsed")));
        return true;
    }

    [GeneratedRegex(@"Epoch (?<epoch>\d+)/(?<count>\d+): training loss (?<loss>\S+?)(, validation loss (?<validation>\S+?))?, learning rate (?<rate>\S+?), (?<speed>\S+) rows/s, (?<elapsed>\S+) s elapsed")]
    private static partial Regex EpochLine();

    /// <summary>The losses and speed of the last epoch, beside the bar.</summary>
    private sealed class MetricsColumn : ProgressColumn
    {
        public volatile string Text = "";

        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(Text, new Style(Color.Grey));
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool and lose the order).</summary>
    private sealed class SyncProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
