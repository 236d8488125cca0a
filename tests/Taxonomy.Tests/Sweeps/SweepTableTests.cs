using System.Text.Json.Nodes;
using Taxonomy.Host.Sweeps;

namespace Taxonomy.Tests.Sweeps;

[TestFixture]
public sealed class SweepTableTests
{
    [Test]
    public void Collect_gives_one_row_per_set_value_with_mean_and_spread_over_the_seeds()
    {
        using var files = new SweepFiles();
        var plan = files.Plan(files.Grid());
        plan.Save();
        // runs: lr 0.01 seeds 1, 2; lr 0.1 seeds 1, 2
        files.Result(plan, 0, acc: 0.5, nmi: 0.4, ari: 0.3, seconds: 10);
        files.Result(plan, 1, acc: 0.7, nmi: 0.6, ari: 0.5, seconds: 20);
        files.Result(plan, 2, acc: 0.9, nmi: 0.8, ari: 0.7, seconds: 4);
        plan.RecordFailure(plan.Runs[3].Run, "error: data.source: file 'x.csv' not found.");

        var table = SweepTable.Collect(files.Sweep);

        Assert.That(table.Rows, Has.Count.EqualTo(2));
        var markdown = table.Markdown();
        Assert.That(markdown, Does.Contain("| Method | Data | optimizer.learningRate | ACC | NMI | ARI | Seeds | Seconds |"));
        Assert.That(markdown, Does.Contain("| test AE+k-means | (manifest's) | 0.01 | 0.6000 ± 0.1414 | 0.5000 ± 0.1414 | 0.4000 ± 0.1414 | 2 | 15.0 |"));
        Assert.That(markdown, Does.Contain("| 0.1 | 0.9000 | 0.8000 | 0.7000 | 1 of 2 | 4.0 |"));
        Assert.That(markdown, Does.Contain($"- `{plan.Runs[3].Run.Id}`: error: data.source: file 'x.csv' not found."));
        var csv = table.Csv().Split('\n');
        Assert.That(csv[0], Is.EqualTo("method,manifest,data,optimizer.learningRate,acc_mean,acc_sd,nmi_mean,nmi_sd,ari_mean,ari_sd,seeds,runs,seconds,failed"));
        Assert.That(csv[1], Does.EndWith(",(manifest's),0.01,0.6000,0.1414,0.5000,0.1414,0.4000,0.1414,2,2,15.0,"));
        Assert.That(csv[2], Does.EndWith($",1,2,4.0,{plan.Runs[3].Run.Id}: error: data.source: file 'x.csv' not found."));
    }

    [Test]
    public void A_run_not_yet_run_is_listed_and_a_row_without_results_shows_dashes()
    {
        using var files = new SweepFiles();
        var plan = files.Plan(files.Grid(new JsonObject { ["set"] = new JsonObject { ["optimizer.learningRate"] = new JsonArray(0.01) } }));
        plan.Save();

        var markdown = SweepTable.Collect(files.Sweep).Markdown();

        Assert.That(markdown, Does.Contain("| 0.01 | – | – | – | 0 of 2 | – |"));
        Assert.That(markdown, Does.Contain($"- `{plan.Runs[1].Run.Id}`: not run (or still running)"));
    }

    [Test]
    public void Table1_rows_carry_their_block_columns_into_the_table()
    {
        using var files = new SweepFiles();
        var plan = files.Plan(files.Grid(), table1: true);
        var cells = new[] { "mlp-autoencoder", "embedding", "reconstruction", "none", "pretrain", "none", "kmeans" };
        plan = new SweepPlan { Directory = plan.Directory, Name = plan.Name, IsTable1 = true, Runs = plan.Runs.Select(p => p with { Row = cells }).ToList() };
        plan.Save();

        var markdown = SweepTable.Collect(files.Sweep).Markdown();

        Assert.That(markdown, Does.Contain("| Method | Architecture | Features for clustering |"));
        Assert.That(markdown, Does.Contain("| test AE+k-means | mlp-autoencoder | embedding | reconstruction | none | pretrain | none | kmeans | (manifest's) |"));
    }

    [Test]
    public void Collect_refuses_a_folder_that_no_sweep_wrote()
    {
        using var files = new SweepFiles();

        var (code, _, error) = TestSupport.CliRunner.Run("collect", files.Path);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo($"error: {files.Path}: not a sweep folder (sweep.json not found; `taxonomy sweep` writes it)."));
    }
}
