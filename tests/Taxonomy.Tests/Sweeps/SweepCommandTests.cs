using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Sweeps;

[TestFixture]
public sealed class SweepCommandTests
{
    [Test]
    public void A_wrong_grid_stops_the_sweep_with_one_error_line_and_exit_code_2()
    {
        using var files = new SweepFiles();
        File.WriteAllText(files.File("grid.json"), "{\"manifests\": [\"ae.json\"], \"seeds\": [1], \"seed\": 2}");

        var (code, output, error) = CliRunner.Run("sweep", files.File("grid.json"), "--out", files.Sweep);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.StartWith($"error: {files.File("grid.json")}: seed: unknown field;"));
    }

    [Test]
    public void Status_lists_every_run_as_not_run_before_the_sweep_runs()
    {
        using var files = new SweepFiles();

        var (code, output, error) = CliRunner.Run("sweep", files.Grid(), "--out", files.Sweep, "--status");

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("ae-learningrate0.01-s1-52b82b55  NOT RUN\n").And.EndWith("sweep: 4 runs: 4 not run\n"));
    }
}
