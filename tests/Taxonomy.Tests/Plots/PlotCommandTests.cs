using System.Text.Json.Nodes;
using Taxonomy.Tests.Hostile;
using static Taxonomy.Tests.Hostile.CliCases;

namespace Taxonomy.Tests.Plots;

/// <summary>`taxonomy plot` and `taxonomy run --plots` on a tiny run (AE + k-means on 200 blob points, one epoch).</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class PlotCommandTests
{
    private static readonly string[] s_pictures = ["map-clusters.png", "map-labels.png", "confusion.png", "curves.png"];

    private CliCases _cases = null!;

    [SetUp]
    public void CreateCases() => _cases = new CliCases();

    [TearDown]
    public void RemoveCases() => _cases.Dispose();

    private string Run(params string[] extra)
    {
        var run = _cases.PathOf("run");
        var (code, _, error) = RunTaxonomy(["run", _cases.Manifest(), "--out", run, .. extra]);
        Assert.That(code, Is.EqualTo(0), error);
        return run;
    }

    private static void AssertDrawn(string folder)
    {
        foreach (var picture in s_pictures)
        {
            Assert.That(new FileInfo(Path.Combine(folder, "plots", picture)).Length, Is.GreaterThan(1000), picture);
        }
        Assert.That(Directory.GetFiles(Path.Combine(folder, "plots")).Select(Path.GetFileName), Is.EquivalentTo(s_pictures),
            "blob points are no images: no image grids");
        var html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.That(html.Split("data:image/png;base64,").Length - 1, Is.EqualTo(s_pictures.Length));
        Assert.That(File.ReadAllText(Path.Combine(folder, "report.md")), Does.Contain("](plots/map-clusters.png)"));
    }

    [Test]
    public void Plot_draws_a_finished_run_into_its_folder()
    {
        var run = Run();
        var (code, output, error) = RunTaxonomy("plot", run, "--projection", "pca");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("wrote 4 pictures"));
        AssertDrawn(run);
    }

    [Test]
    public void A_new_drawing_removes_the_pictures_it_does_not_make()
    {
        var run = Run();
        var (code, _, error) = RunTaxonomy("plot", run, "--projection", "pca");
        Assert.That(code, Is.EqualTo(0), error);
        // Unlabelled data has no label map and no confusion matrix: the earlier drawing's go.
        (code, _, error) = RunTaxonomy("plot", run, "--projection", "pca", "--set", "data.labels=false");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(Directory.GetFiles(Path.Combine(run, "plots")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "map-clusters.png", "curves.png" }));
    }

    [Test]
    public void Plot_writes_elsewhere_with_out()
    {
        var run = Run();
        var elsewhere = _cases.PathOf("pictures");
        var (code, _, error) = RunTaxonomy("plot", run, "--projection", "pca", "--out", elsewhere);
        Assert.That(code, Is.EqualTo(0), error);
        AssertDrawn(elsewhere);
        Assert.That(Directory.Exists(Path.Combine(run, "plots")), Is.False);
    }

    [Test]
    public void Run_with_plots_draws_the_run_and_a_later_run_replaces_the_folder()
    {
        var run = Run("--plots", "--projection", "pca");
        AssertDrawn(run);
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "result.json")))!["phases"]![0]!["epochs"]!.AsArray(), Has.Count.EqualTo(1),
            "result.json keeps the epoch");
        Run();   // a folder holding pictures is still a run's folder
        Assert.That(Directory.Exists(Path.Combine(run, "plots")), Is.False, "the new run's folder replaced the old one whole");
    }

    [Test]
    public void A_run_whose_drawing_fails_leaves_no_folder()
    {
        var run = _cases.PathOf("run");
        // t-SNE's perplexity 30 needs more than 30 points.
        var manifest = _cases.Manifest(m => m["data"]!["perCluster"] = 5);
        var line = OneErrorLine(RunTaxonomy("run", manifest, "--out", run, "--plots", "--projection", "tsne"));
        Assert.That(line, Is.EqualTo("error: --projection tsne: t-SNE: perplexity must lie in (0, 20) for 20 points; got 30; map with --projection pca instead."));
        Assert.That(Directory.Exists(run), Is.False);
        Assert.That(Directory.GetFileSystemEntries(_cases.Folder).Where(e => Path.GetFileName(e).StartsWith(".run")), Is.Empty);
    }

    [Test]
    public void A_folder_without_result_json_is_not_a_run()
    {
        var folder = _cases.PathOf("empty");
        Directory.CreateDirectory(folder);
        Assert.That(OneErrorLine(RunTaxonomy("plot", folder)),
            Is.EqualTo($"error: {folder}: no result.json: not a run folder, or one whose run did not finish."));
    }

    [Test]
    public void A_missing_run_folder_is_named() =>
        Assert.That(OneErrorLine(RunTaxonomy("plot", _cases.PathOf("nosuch"))), Is.EqualTo($"error: {_cases.PathOf("nosuch")}: run folder not found."));

    [Test]
    public void A_damaged_result_json_is_named()
    {
        var run = Run();
        var result = Path.Combine(run, "result.json");
        File.WriteAllText(result, "{ \"method\": ");
        Assert.That(OneErrorLine(RunTaxonomy("plot", run)), Does.StartWith($"error: {result}: not valid JSON"));
        Assert.That(Directory.Exists(Path.Combine(run, "plots")), Is.False);
    }

    [Test]
    public void Assignments_that_do_not_fit_the_data_are_named()
    {
        var run = Run();
        var assignments = Path.Combine(run, "assignments.csv");
        File.WriteAllLines(assignments, File.ReadAllLines(assignments)[..^5]);
        Assert.That(OneErrorLine(RunTaxonomy("plot", run)),
            Is.EqualTo($"error: {assignments}: 195 assignments, but the data has 200 samples; give the run's own data (no --data) or check the file."));
    }

    [Test]
    public void An_unknown_projection_is_refused() =>
        Assert.That(OneErrorLine(RunTaxonomy("plot", _cases.PathOf("x"), "--projection", "umap")),
            Does.StartWith("error: --projection: 'umap' is not one of Auto, Pca, Tsne"));
}
