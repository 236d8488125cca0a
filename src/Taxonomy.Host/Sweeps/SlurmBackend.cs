using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// Hands a sweep to Slurm as one job array (sbatch --parsable), records the job ids in DIR/slurm/jobs.txt, reads the
/// runs' states back from the output folders, squeue and sacct, and resubmits only the incomplete runs.
/// </summary>
public sealed class SlurmBackend(SweepPlan plan, SlurmResources resources, TextWriter log)
{
    private string Folder => Path.Combine(plan.Directory, "slurm");
    private string JobsFile => Path.Combine(Folder, "jobs.txt");

    /// <summary>The job id of the latest submission, or null when this sweep folder was never submitted.</summary>
    public string? Submitted => File.Exists(JobsFile) ? File.ReadAllLines(JobsFile).LastOrDefault(l => l.Length > 0)?.Split(' ')[0] : null;

    /// <summary>Submits the runs that are not complete (all of them the first time); returns the job id, or null when none is left.</summary>
    public string? Submit()
    {
        var tasks = Enumerable.Range(0, plan.Runs.Count).Where(i => plan.Outcome(plan.Runs[i].Run).State != RunState.Complete).ToList();
        if (tasks.Count == 0)
        {
            log.WriteLine($"sweep: all {plan.Runs.Count} runs are complete; nothing to submit");
            return null;
        }
        Directory.CreateDirectory(Folder);
        foreach (var i in tasks)
        {
            plan.RecordFailure(plan.Runs[i].Run, reason: null);   // a resubmitted run is pending again, not failed
        }
        var script = Path.Combine(Folder, $"sweep-{DateTime.UtcNow:yyyyMMdd-HHmmss}.sbatch");
        File.WriteAllText(script, SlurmScript.Text(plan, resources, tasks, TaxonomyCommand.Program));
        var job = Tool("sbatch", "--parsable", script).Trim().Split(';')[0];
        File.AppendAllText(JobsFile, $"{job} {SlurmScript.Ranges(tasks)}\n");
        log.WriteLine($"sweep: submitted job {job}, array {SlurmScript.Ranges(tasks)} ({tasks.Count} of {plan.Runs.Count} runs); script {script}, logs {Folder}/{job}_<task>.out");
        return job;
    }

    /// <summary>One line per run: complete, failed, else what Slurm says of its latest task.</summary>
    public IReadOnlyList<string> Status() => SweepStatus.Lines(plan, SchedulerStates());

    /// <summary>Array task → state of the latest job that holds it: sacct's record, overridden by squeue's live view.</summary>
    private Dictionary<int, string> SchedulerStates()
    {
        var states = new Dictionary<int, string>();
        if (!File.Exists(JobsFile))
        {
            return states;
        }
        var jobs = File.ReadAllLines(JobsFile).Select(l => l.Split(' ')[0]).Where(j => j.Length > 0).ToList();
        var ids = string.Join(",", jobs);
        // sacct needs the accounting store, which a small cluster may not run; squeue then still knows live tasks.
        var history = TryTool("sacct", "-n", "-P", "-X", "-j", ids, "-o", "JobID,State") ?? "";
        // One job at a time: squeue refuses the whole list once any job in it has left its memory.
        var live = string.Join("\n", jobs.Select(job => TryTool("squeue", "-h", "-r", "-j", job, "-o", "%i|%T") ?? ""));
        foreach (var line in (history + "\n" + live).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('|');
            var task = fields[0].Split('_');
            if (fields.Length >= 2 && task.Length == 2 && int.TryParse(task[1], CultureInfo.InvariantCulture, out var index))
            {
                states[index] = fields[1].Split(' ')[0];   // later lines win: newer jobs, then the live view
            }
        }
        return states;
    }

    private static string Tool(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output
                : throw new ManifestException($"--backend slurm: {name} failed (exit {process.ExitCode}): {error.Result.Trim().ReplaceLineEndings(" ")}");
        }
        catch (Win32Exception)
        {
            throw new ManifestException($"--backend slurm: '{name}' not found; is this a Slurm login node (PATH={Environment.GetEnvironmentVariable("PATH")})?");
        }
    }

    private static string? TryTool(string name, params string[] arguments)
    {
        try
        {
            return Tool(name, arguments);
        }
        catch (ManifestException)
        {
            return null;
        }
    }
}
