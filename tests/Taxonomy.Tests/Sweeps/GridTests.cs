using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Sweeps;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Sweeps;

[TestFixture]
public sealed class GridTests
{
    [Test]
    public void A_grid_crosses_its_manifests_data_values_and_seeds_with_seeds_varying_fastest()
    {
        using var files = new SweepFiles();

        var runs = SweepRun.Expand(Grid.Load(files.Grid(new JsonObject { ["data"] = new JsonArray("blobs", "digits") })));

        Assert.That(runs, Has.Count.EqualTo(8));
        Assert.That(runs.Select(r => (r.Data, r.Values[0].Value, r.Seed)).Take(3), Is.EqualTo(new[]
        {
            ("blobs", "0.01", 1), ("blobs", "0.01", 2), ("blobs", "0.1", 1),
        }));
        Assert.That(runs[3].Assignments, Is.EqualTo(new[] { "threads=1", "data.source=\"blobs\"", "seed=2", "optimizer.learningRate=0.1" }));
    }

    [Test]
    public void A_runs_id_is_its_readable_name_and_a_hash_of_its_spec_the_same_in_any_folder()
    {
        using var here = new SweepFiles();
        using var elsewhere = new SweepFiles();

        var ids = SweepRun.Expand(Grid.Load(here.Grid())).Select(r => r.Id).ToList();

        Assert.That(SweepRun.Expand(Grid.Load(elsewhere.Grid())).Select(r => r.Id), Is.EqualTo(ids));
        Assert.That(ids[0], Does.Match("^ae-learningrate0.01-s1-[0-9a-f]{8}$"));
        Assert.That(ids[0], Is.EqualTo("ae-learningrate0.01-s1-52b82b55"), "the hash of a spec never changes between versions or machines");
        Assert.That(ids.Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public void A_change_to_the_manifest_or_a_fixed_assignment_changes_the_runs_ids()
    {
        using var files = new SweepFiles();
        var before = SweepRun.Expand(Grid.Load(files.Grid()))[0].Id;

        var withEpochs = SweepRun.Expand(Grid.Load(files.Grid(new JsonObject { ["epochs"] = 1 })))[0].Id;
        var manifest = Manifests.AeKMeans();
        manifest["seed"] = 4;
        File.WriteAllText(files.Manifest, manifest.ToJsonString());
        var edited = SweepRun.Expand(Grid.Load(files.Grid()))[0].Id;

        Assert.That(new[] { withEpochs, edited }, Has.None.EqualTo(before));
        Assert.That(withEpochs[..^8], Is.EqualTo(before[..^8]), "the readable part names the same run");
    }

    [Test]
    public void The_grids_plugin_folders_reach_every_run_and_leave_the_ids_alone()
    {
        using var files = new SweepFiles();
        var plain = SweepRun.Expand(Grid.Load(files.Grid()));

        var runs = SweepRun.Expand(Grid.Load(files.Grid(new JsonObject { ["plugins"] = new JsonArray("blocks") })));

        Assert.That(runs.Select(r => r.Id), Is.EqualTo(plain.Select(r => r.Id)));
        Assert.That(TaxonomyCommand.RunArguments(runs[0], "out", threads: 1),
            Is.EqualTo(new[] { "run", files.Manifest, "--out", "out", "--set", "threads=1", "--set", "threads=1", "--set", "seed=1",
                               "--set", "optimizer.learningRate=0.01", "--plugins", files.File("blocks") }));
    }

    [TestCase("{\"manifest\": [\"ae.json\"], \"seeds\": [1]}", "manifest: unknown field; the fields are name, manifests, table1,")]
    [TestCase("{\"manifests\": [\"ae.json\"], \"seeds\": []}", "seeds: empty; an axis needs at least one value")]
    [TestCase("{\"manifests\": [\"ae.json\"], \"seeds\": [1], \"set\": {\"optimizer.learningRate\": []}}", "set.optimizer.learningRate: empty")]
    [TestCase("{\"manifests\": [\"ae.json\"], \"seeds\": [1], \"data\": [\"\"]}", "data.0: expected a non-empty string")]
    [TestCase("{\"manifests\": [\"ae.json\"], \"seeds\": [\"one\"]}", "seeds.0: expected a whole number, got \"one\"")]
    [TestCase("{\"manifests\": [\"missing.json\"], \"seeds\": [1]}", "manifests: manifest '")]
    [TestCase("{\"seeds\": [1]}", "give either 'manifests' (a list of manifest files) or 'table1'")]
    [TestCase("{\"manifests\": [\"ae.json\"], \"seeds\": [1], \"slurm\": {\"cpus\": 2}}", "slurm.cpus: unknown field; the fields are cpusPerTask, mem,")]
    [TestCase("{\"manifests\": [\"ae.json\"], \"seeds\": [1, 1]}", "appears 2 times; an axis repeats a value")]
    public void A_wrong_grid_is_one_error_naming_the_file_and_field(string grid, string expected)
    {
        using var files = new SweepFiles();
        File.WriteAllText(files.File("grid.json"), grid);

        var error = Assert.Throws<ManifestException>(() => SweepRun.Expand(Grid.Load(files.File("grid.json"))))!.Message;

        Assert.That(error, Does.StartWith(files.File("grid.json") + ": ").And.Contain(expected));
    }

    [Test]
    public void Every_run_is_checked_before_any_starts_and_the_error_names_the_run_and_field()
    {
        using var files = new SweepFiles();
        var grid = Grid.Load(files.Grid(new JsonObject { ["set"] = new JsonObject { ["postClustering.restarts"] = new JsonArray(2, 0) } }));

        var error = Assert.Throws<ManifestException>(() => SweepCheck.Plan(grid, files.Sweep, _ => Manifests.Services().Provider))!.Message;

        Assert.That(error, Does.Contain(": run ae-restarts0-s1-").And.Contain("postClustering.restarts"));
        Assert.That(Directory.Exists(files.Sweep), Is.False, "nothing is written before every run passed");
    }

    [Test]
    public void A_table1_grid_runs_every_row_of_the_folder_and_records_their_block_columns()
    {
        var grid = Grid.Load(Path.Combine(TestPaths.RepositoryRoot, "examples", "grid-table1-digits.json"));

        Assert.That(grid.IsTable1, Is.True);
        Assert.That(grid.Manifests.Select(Path.GetFileName), Does.Contain("04-dcn.json"));
        Assert.That(SweepRun.Expand(grid), Has.Count.EqualTo(grid.Manifests.Count * 3));
    }
}
