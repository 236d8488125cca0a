using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// Runs a sweep's runs on this machine: at most <c>jobs</c> child `taxonomy run` processes at once, the cores split
/// between them (threads = cores / jobs). A run whose folder holds a complete result is skipped, so running the sweep
/// again resumes it. One line per finished run.
/// </summary>
public sealed class LocalBackend(SweepPlan plan, int jobs, TextWriter log)
{
    public int Threads { get; } = Math.Max(1, Environment.ProcessorCount / jobs);

    /// <summary>Runs what is not complete; returns the runs that failed (now or before and again).</summary>
    public SweepSummary Run()
    {
        var watch = Stopwatch.StartNew();
        var pending = plan.Runs.Where(p => p.Refused is null && plan.Outcome(p.Run).State != RunState.Complete).ToList();
        var skipped = plan.Runs.Count(p => p.Refused is null) - pending.Count;
        if (skipped > 0)
        {
            log.WriteLine($"sweep: {skipped} of {plan.Runs.Count} runs already complete, skipped");
        }
        var (finished, failed, ownSeconds, processSeconds) = (0, 0, 0.0, 0.0);
        var gate = new Lock();
        Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = jobs }, planned =>
        {
            var (seconds, reason) = Start(planned.Run);
            var outcome = plan.Outcome(planned.Run);
            lock (gate)
            {
                finished++;
                if (outcome.Result?["totalSeconds"]?.GetValue<double>() is { } own)
                {
                    (ownSeconds, processSeconds) = (ownSeconds + own, processSeconds + seconds);
                }
                failed += reason is null ? 0 : 1;
                log.WriteLine($"[{finished}/{pending.Count}] {planned.Run.Id}  {seconds:F1} s  {reason ?? Metrics(outcome.Result)}");
            }
        });
        return new SweepSummary(plan.Runs.Count, skipped, pending.Count - failed, failed, watch.Elapsed.TotalSeconds, ownSeconds, processSeconds);
    }

    private (double Seconds, string? Reason) Start(SweepRun run)
    {
        var start = new ProcessStartInfo(TaxonomyCommand.Program[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in TaxonomyCommand.Program.Skip(1).Concat(TaxonomyCommand.RunArguments(run, plan.RunFolder(run), Threads)))
        {
            start.ArgumentList.Add(argument);
        }
        var watch = Stopwatch.StartNew();
        string? errorLine = null;
        using (var output = new StreamWriter(plan.LogFile(run)))
        using (var process = Process.Start(start)!)
        {
            void Write(string? line, bool error)
            {
                if (line is null)
                {
                    return;
                }
                lock (output)
                {
                    output.WriteLine(line);
                    if (error && line.StartsWith("error: ", StringComparison.Ordinal))
                    {
                        errorLine = line;
                    }
                }
            }
            process.OutputDataReceived += (_, e) => Write(e.Data, error: false);
            process.ErrorDataReceived += (_, e) => Write(e.Data, error: true);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.WaitForExit();
            var reason = process.ExitCode == 0 ? null : errorLine ?? $"error: taxonomy run exited with code {process.ExitCode}; see {plan.LogFile(run)}";
            plan.RecordFailure(run, reason);
            return (watch.Elapsed.TotalSeconds, reason);
        }
    }

    internal static string Metrics(JsonObject? result) => result?["metrics"] is JsonObject m
        ? string.Create(CultureInfo.InvariantCulture, $"ACC {m["acc"]!.GetValue<double>():F4}  NMI {m["nmi"]!.GetValue<double>():F4}")
        : "no labels, no metrics";
}

/// <summary>
/// What a sweep did: runs in all, skipped as complete, succeeded and failed now; wall seconds, the succeeded runs' own
/// seconds (result.json) and their processes' seconds, whose difference is what each run costs beyond its own work.
/// </summary>
public sealed record SweepSummary(int Runs, int Skipped, int Succeeded, int Failed, double WallSeconds, double RunSeconds, double ProcessSeconds)
{
    public double OverheadPerRun => Succeeded == 0 ? 0 : (ProcessSeconds - RunSeconds) / Succeeded;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sweep: {Runs} runs: {Skipped} skipped as complete, {Succeeded} succeeded, {Failed} failed; {WallSeconds:F1} s wall, " +
        $"the runs' own {RunSeconds:F1} s, {OverheadPerRun:F1} s per run in process start and bookkeeping");
}
