using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Taxonomy.Host.Output;
using Taxonomy.Host.Table1;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// The merged table of a sweep folder: one row per method × data × crossed values, with ACC/NMI/ARI as mean ± sd over
/// the seeds that completed, the number of seeds, mean seconds, and Table 1's block columns when the runs are its rows;
/// the failed runs are listed below with their reasons.
/// </summary>
public sealed class SweepTable
{
    private readonly SweepPlan _plan;
    private readonly IReadOnlyList<string> _axes;

    public IReadOnlyList<SweepRow> Rows { get; }
    public IReadOnlyList<(SweepRun Run, RunOutcome Outcome)> Unfinished { get; }

    public SweepTable(SweepPlan plan)
    {
        _plan = plan;
        _axes = plan.Runs.SelectMany(p => p.Run.Values.Select(v => v.Key)).Distinct().ToList();
        var outcomes = plan.Runs.Select(p => (Planned: p, Outcome: plan.Outcome(p.Run))).ToList();
        Rows = outcomes
            .GroupBy(o => string.Join("\n", [o.Planned.Run.Manifest, o.Planned.Run.Data ?? "", .. o.Planned.Run.Values.Select(v => $"{v.Key}={v.Value}")]))
            .Select(g => new SweepRow(g.First().Planned, g.Where(o => o.Outcome.Result is not null).Select(o => o.Outcome.Result!).ToList(), g.Count()))
            .ToList();
        Unfinished = outcomes.Where(o => o.Outcome.State != RunState.Complete).Select(o => (o.Planned.Run, o.Outcome)).ToList();
    }

    public static SweepTable Collect(string directory) => new(SweepPlan.Read(directory));

    /// <summary>Writes PREFIX.md and PREFIX.csv; returns their paths.</summary>
    public (string Markdown, string Csv) Write(string prefix)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefix))!);
        var (markdown, csv) = (prefix + ".md", prefix + ".csv");
        RunWriter.WriteAtomically(markdown, Markdown());
        RunWriter.WriteAtomically(csv, Csv());
        return (markdown, csv);
    }

    private IEnumerable<string> BlockHeaders => _plan.IsTable1 ? TaxonomyRow.Columns.Select(c => c.Header) : [];

    public string Markdown()
    {
        var headers = new[] { "Method" }.Concat(BlockHeaders).Append("Data").Concat(_axes).Concat(["ACC", "NMI", "ARI", "Seeds", "Seconds"]).ToList();
        var text = new StringBuilder();
        text.AppendLine($"Sweep {_plan.Name}: mean ± sd over the seeds that completed ({_plan.Directory}).").AppendLine();
        text.AppendLine("| " + string.Join(" | ", headers) + " |");
        text.AppendLine("|" + string.Concat(headers.Select(_ => "---|")));
        foreach (var row in Rows)
        {
            var metrics = SweepRow.Metrics.Select(m => row.Spread(m) is { } s ? s.Format() : "–");
            var seeds = row.Results.Count == row.Runs ? $"{row.Runs}" : $"{row.Results.Count} of {row.Runs}";
            var cells = Identity(row).Concat(metrics).Append(seeds).Append(F(row.Seconds, "F1") is { Length: > 0 } s ? s : "–");
            text.AppendLine("| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|"))) + " |");
        }
        if (Unfinished.Count > 0)
        {
            text.AppendLine().AppendLine("Runs without a result:").AppendLine();
            foreach (var (run, outcome) in Unfinished)
            {
                text.AppendLine($"- `{run.Id}`: {(outcome.State == RunState.Failed ? outcome.Reason : "not run (or still running)")}".ReplaceLineEndings(" "));
            }
        }
        return text.ToString();
    }

    public string Csv()
    {
        var headers = new[] { "method", "manifest" }.Concat(BlockHeaders).Append("data").Concat(_axes)
            .Concat(SweepRow.Metrics.SelectMany(m => new[] { m + "_mean", m + "_sd" })).Concat(["seeds", "runs", "seconds", "failed"]);
        var text = new StringBuilder().AppendLine(string.Join(",", headers.Select(Quote)));
        foreach (var row in Rows)
        {
            var failed = Unfinished.Where(u => u.Outcome.State == RunState.Failed && row.Holds(u.Run)).Select(u => $"{u.Run.Id}: {u.Outcome.Reason}");
            var cells = Identity(row).Take(1).Append(row.Planned.Run.Manifest).Concat(Identity(row).Skip(1))
                .Concat(SweepRow.Metrics.SelectMany(m => row.Spread(m) is { } s ? new[] { F(s.Mean, "F4"), F(s.Sd, "F4") } : ["", ""]))
                .Concat([$"{row.Results.Count}", $"{row.Runs}", F(row.Seconds, "F1"), string.Join("; ", failed)]);
            text.AppendLine(string.Join(",", cells.Select(Quote)));
        }
        return text.ToString();
    }

    private IEnumerable<string> Identity(SweepRow row) =>
        new[] { row.Planned.Method }.Concat(_plan.IsTable1 ? row.Planned.Row ?? TaxonomyRow.Columns.Select(_ => "?").ToList() : [])
            .Append(row.Planned.Run.Data ?? "(manifest's)")
            .Concat(_axes.Select(a => row.Planned.Run.Values.FirstOrDefault(v => v.Key == a).Value ?? ""));

    internal static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}

/// <summary>A row of the merged table: the runs of one method × data × values, over seeds.</summary>
public sealed record SweepRow(PlannedRun Planned, IReadOnlyList<JsonObject> Results, int Runs)
{
    public static IReadOnlyList<string> Metrics { get; } = ["acc", "nmi", "ari"];

    public double? Seconds => Results.Count == 0 ? null : Results.Average(r => r["totalSeconds"]!.GetValue<double>());

    public Spread? Spread(string metric)
    {
        var values = Results.Select(r => r["metrics"]?[metric]?.GetValue<double>()).OfType<double>().ToList();
        return values.Count == 0 ? null : Sweeps.Spread.Of(values);
    }

    public bool Holds(SweepRun run) =>
        run.Manifest == Planned.Run.Manifest && run.Data == Planned.Run.Data && run.Values.SequenceEqual(Planned.Run.Values);
}

/// <summary>Mean and sample standard deviation (n − 1; none for a single seed).</summary>
public sealed record Spread(double Mean, double? Sd)
{
    public static Spread Of(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return new Spread(mean, values.Count < 2 ? null : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)));
    }

    public string Format() => Sd is { } sd
        ? string.Create(CultureInfo.InvariantCulture, $"{Mean:F4} ± {sd:F4}")
        : Mean.ToString("F4", CultureInfo.InvariantCulture);
}
