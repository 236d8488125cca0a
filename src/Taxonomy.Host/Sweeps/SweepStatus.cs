namespace Taxonomy.Host.Sweeps;

/// <summary>The per-run state lines of `sweep --status`, read from the output folders and, for Slurm, the scheduler.</summary>
public static class SweepStatus
{
    /// <param name="scheduler">Plan index → the scheduler's state of a run that has no result yet (PENDING, RUNNING, …).</param>
    public static IReadOnlyList<string> Lines(SweepPlan plan, IReadOnlyDictionary<int, string> scheduler)
    {
        var lines = new List<(string Id, string State, string Detail)>();
        for (var i = 0; i < plan.Runs.Count; i++)
        {
            var run = plan.Runs[i].Run;
            var outcome = plan.Outcome(run);
            lines.Add(outcome.State switch
            {
                RunState.Complete => (run.Id, "COMPLETE", LocalBackend.Metrics(outcome.Result)),
                RunState.Failed => (run.Id, "FAILED", outcome.Reason ?? ""),
                _ => (run.Id, scheduler.TryGetValue(i, out var state) ? state : "NOT RUN", ""),
            });
        }
        var counts = lines.GroupBy(l => l.State).Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}");
        return [.. lines.Select(l => $"{l.Id}  {l.State}  {l.Detail}".TrimEnd()), $"sweep: {plan.Runs.Count} runs: {string.Join(", ", counts)}"];
    }
}
