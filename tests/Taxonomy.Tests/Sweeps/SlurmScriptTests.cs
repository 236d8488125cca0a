using System.Text.Json.Nodes;
using Taxonomy.Host.Sweeps;

namespace Taxonomy.Tests.Sweeps;

[TestFixture]
public sealed class SlurmScriptTests
{
    [Test]
    public void The_script_is_one_array_task_per_run_with_the_grids_resources_and_a_log_per_task()
    {
        using var files = new SweepFiles();
        var grid = Grid.Load(files.Grid(new JsonObject
        {
            ["slurm"] = new JsonObject { ["cpusPerTask"] = 4, ["mem"] = "8G", ["time"] = "01:00:00", ["partition"] = "short" },
        }));
        var plan = files.Plan(grid.File);

        var script = SlurmScript.Text(plan, grid.Slurm, [0, 1, 2, 3], ["taxonomy"]);

        Assert.That(script, Does.StartWith("#!/bin/bash\n"));
        Assert.That(script, Does.Contain("#SBATCH --array=0-3\n#SBATCH --cpus-per-task=4\n#SBATCH --mem=8G\n#SBATCH --time=01:00:00\n#SBATCH --partition=short\n"));
        Assert.That(script, Does.Not.Contain("--gpus"), "GPUs are asked for only when the grid names them");
        Assert.That(script, Does.Contain($"#SBATCH --output={files.Sweep}/slurm/%A_%a.out\n#SBATCH --error={files.Sweep}/slurm/%A_%a.err\n"));
        var run = plan.Runs[3].Run;
        Assert.That(script, Does.Contain($"  3) id={run.Id}; command=(taxonomy run {files.Manifest} --out {files.Sweep}/{run.Id} " +
                                         "--set threads=4 --set threads=1 --set seed=2 --set optimizer.learningRate=0.1) ;;"));
        Assert.That(script, Does.Contain("> \"$dir/$id.error\""), "a failed task leaves its error line where collect reads it");
    }

    [Test]
    public void Gpus_are_requested_when_the_grid_names_them()
    {
        using var files = new SweepFiles();
        var grid = Grid.Load(files.Grid(new JsonObject { ["slurm"] = new JsonObject { ["gpus"] = 1 } }));

        Assert.That(SlurmScript.Text(files.Plan(grid.File), grid.Slurm, [0], ["taxonomy"]), Does.Contain("#SBATCH --gpus=1\n"));
    }

    [TestCase(new[] { 0, 1, 2, 3 }, "0-3")]
    [TestCase(new[] { 0, 2, 3, 4, 7 }, "0,2-4,7")]
    [TestCase(new[] { 5 }, "5")]
    public void A_resume_submits_only_the_incomplete_tasks_in_slurms_array_syntax(int[] tasks, string expected) =>
        Assert.That(SlurmScript.Ranges(tasks), Is.EqualTo(expected));

    [Test]
    public void Words_with_quotes_or_spaces_are_quoted_for_bash()
    {
        Assert.That(SlurmScript.Quote("data.source=\"my data\""), Is.EqualTo("'data.source=\"my data\"'"));
        Assert.That(SlurmScript.Quote("it's"), Is.EqualTo("'it'\\''s'"));
    }
}
