using System.Globalization;
using System.Text;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// The sbatch script of a sweep: one array task per run (task i runs the plan's run i), the grid's resources, a log per
/// task (%A job, %a task), each run's threads = cpus-per-task, and on failure the run's error line in DIR/&lt;id&gt;.error.
/// </summary>
public static class SlurmScript
{
    public static string Text(SweepPlan plan, SlurmResources resources, IReadOnlyList<int> tasks, IReadOnlyList<string> program)
    {
        var logs = Path.Combine(plan.Directory, "slurm");
        var text = new StringBuilder("#!/bin/bash\n");
        void Directive(string option, object? value)
        {
            if (value is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"#SBATCH --{option}={value}\n");
            }
        }
        Directive("job-name", "taxonomy-" + SweepRun.Slug(plan.Name));
        Directive("array", Ranges(tasks));
        Directive("cpus-per-task", resources.CpusPerTask);
        Directive("mem", resources.Mem);
        Directive("time", resources.Time);
        Directive("partition", resources.Partition);
        Directive("gpus", resources.Gpus);
        Directive("output", Path.Combine(logs, "%A_%a.out"));
        Directive("error", Path.Combine(logs, "%A_%a.err"));
        text.Append("set -u\n");
        text.Append("case \"$SLURM_ARRAY_TASK_ID\" in\n");
        for (var i = 0; i < plan.Runs.Count; i++)
        {
            var run = plan.Runs[i].Run;
            var arguments = program.Concat(TaxonomyCommand.RunArguments(run, plan.RunFolder(run), resources.CpusPerTask));
            text.Append(CultureInfo.InvariantCulture, $"  {i}) id={Quote(run.Id)}; command=({string.Join(" ", arguments.Select(Quote))}) ;;\n");
        }
        text.Append("  *) echo \"error: no run for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\n");
        text.Append("esac\n");
        text.Append(CultureInfo.InvariantCulture, $"dir={Quote(plan.Directory)}\n");
        text.Append("\"${command[@]}\" > \"$dir/$id.log\" 2>&1\n");
        text.Append("status=$?\n");
        text.Append("if [ \"$status\" -eq 0 ]; then\n  rm -f \"$dir/$id.error\"\nelse\n");
        text.Append("  { grep '^error: ' \"$dir/$id.log\" | tail -n 1 | grep . || echo \"error: taxonomy run exited with code $status; see $dir/$id.log\"; } > \"$dir/$id.error\"\n");
        text.Append("fi\n");
        text.Append("exit \"$status\"\n");
        return text.ToString();
    }

    /// <summary>Slurm's array syntax: "0-3", or "1,4-6" for the runs a resume submits again.</summary>
    public static string Ranges(IReadOnlyList<int> tasks)
    {
        var parts = new List<string>();
        for (var i = 0; i < tasks.Count;)
        {
            var j = i;
            while (j + 1 < tasks.Count && tasks[j + 1] == tasks[j] + 1)
            {
                j++;
            }
            parts.Add(i == j ? $"{tasks[i]}" : $"{tasks[i]}-{tasks[j]}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }

    /// <summary>Single-quoted for bash.</summary>
    internal static string Quote(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
