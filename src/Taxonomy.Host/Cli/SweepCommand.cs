using System.CommandLine;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Sweeps;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy sweep GRID [--backend local|slurm] [--jobs N] [--out DIR] [--status] [--resume]`: expands a grid into runs,
/// checks every one, and runs them here (a pool of processes) or submits them to Slurm (one job array).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var grid = new Argument<string>("grid") { Description = "The grid's JSON file (manifests or a table1 folder, data, seeds, set values)." };
        var backend = new Option<string>("--backend") { Description = "local (processes on this machine) or slurm (sbatch --array).", DefaultValueFactory = _ => "local" };
        backend.AcceptOnlyFromAmong("local", "slurm");
        var jobs = new Option<int>("--jobs") { Description = "local: runs at once; each gets cores / jobs threads (default 1).", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Sweep folder: DIR/<run id>/ per run, sweep.json, logs (default runs/sweeps/<grid name>)." };
        var status = new Option<bool>("--status") { Description = "Print each run's state (from the folders, and squeue/sacct for slurm) and exit." };
        var resume = new Option<bool>("--resume") { Description = "Run (local) or resubmit (slurm) only the runs without a complete result." };
        var command = new Command("sweep", "Run an experiment grid: every manifest × data × seed × set value.") { grid, backend, jobs, output, status, resume };
        command.SetAction(parse =>
        {
            if (parse.GetValue(jobs) is var n && n < 1)
            {
                throw new ManifestException($"--jobs must be at least 1, got {n}.");
            }
            var loaded = Grid.Load(parse.GetValue(grid)!);
            var directory = parse.GetValue(output) ?? Path.Combine("runs", "sweeps", SweepRun.Slug(loaded.Name));
            _ = Output.OutPath.Resolve(directory);   // a bad --out fails before the runs are checked
            var plan = SweepCheck.Plan(loaded, Path.GetFullPath(directory));
            plan.Save();
            var slurm = new SlurmBackend(plan, loaded.Slurm, Console.Out);
            if (parse.GetValue(status))
            {
                var lines = parse.GetValue(backend) == "slurm" ? slurm.Status() : SweepStatus.Lines(plan, new Dictionary<int, string>());
                lines.ToList().ForEach(Console.WriteLine);
                return 0;
            }
            if (parse.GetValue(backend) == "slurm")
            {
                if (!parse.GetValue(resume) && slurm.Submitted is { } earlier)
                {
                    throw new ManifestException($"--out '{directory}': this sweep was submitted already (job {earlier}); use --status, or --resume to resubmit the incomplete runs.");
                }
                slurm.Submit();
                return 0;
            }
            Console.WriteLine($"sweep: {plan.Runs.Count} runs into {plan.Directory}, {parse.GetValue(jobs)} at a time");
            var summary = new LocalBackend(plan, parse.GetValue(jobs), Console.Out).Run();
            Console.WriteLine(summary);
            return summary.Failed == 0 ? 0 : 1;
        });
        return command;
    }
}
