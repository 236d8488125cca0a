using System.Globalization;
using System.Text;
using Taxonomy.Abstractions.Results;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Manifest;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Methods;

/// <summary>The shipped DeepECT manifest, shrunk to 200 points of a planted two-level hierarchy and a few epochs.</summary>
[TestFixture]
public sealed class DeepEctMethodTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("taxonomy-deepect-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void DeepEct_recovers_a_planted_two_level_hierarchy()
    {
        var result = Run();
        var hierarchy = (Hierarchy)result.Clustering;
        Assert.That(hierarchy.Tree.Leaves, Has.Count.EqualTo(4));
        var purity = TreeMetrics.DendrogramPurity(hierarchy.Tree, hierarchy.LeafOfSample, result.Labels!);
        TestContext.Out.WriteLine($"dendrogram purity {purity:F4}, ACC {result.Metrics!.Accuracy:F4}");
        Assert.That(purity, Is.GreaterThanOrEqualTo(0.9));
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.9));
        Assert.That(result.Phases.Select(p => p.Name), Is.EqualTo(new[] { "pretrain", "clustering" }));
    }

    [Test]
    public void A_tree_with_fewer_leaves_than_k_fills_that_many_of_the_k_clusters()
    {
        // One clustering epoch: the root's split only, before the first interval ends.
        var result = Run("schedule.clusteringEpochs=1");
        Assert.That(((Hierarchy)result.Clustering).Tree.Leaves, Has.Count.EqualTo(2));
        Assert.That(result.Clustering.Primary.Clusters, Is.EqualTo(4));
        Assert.That(result.ClustersFound, Is.EqualTo(2));
        Assert.That(result.ClustersSource, Is.EqualTo("labels"), "k is the run's, not one the method estimated");
    }

    [Test]
    public void The_shipped_manifest_is_valid()
    {
        Assert.That(Manifests.ComposeError("deepect"), Is.Null);
    }

    [Test]
    [NonParallelizable] // CliRunner redirects the console
    public void Taxonomy_list_shows_the_deepect_blocks_with_their_options()
    {
        var (code, output, error) = CliRunner.Run("list");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("  deepect-tree — ").And.Contain("  deepect — ").And.Contain("  cluster-tree — "));
        Assert.That(output, Does.Contain("maxLeaves = 20").And.Contain("pruningThreshold = 0.1"));
    }

    [Test]
    public void Two_split_intervals_at_once_are_refused_naming_the_field()
    {
        var error = Assert.Throws<ManifestException>(() => Manifests.Services().Loader.Load(
            Path.Combine(TestPaths.RepositoryRoot, "manifests", "deepect.json"), ["clusterUpdater.splitEveryIterations=100"]))!;
        Assert.That(error.Message, Does.Contain("clusterUpdater.splitEveryEpochs").And.Contain("not both"));
    }

    [Test]
    public void A_first_leaf_weight_below_the_pruning_threshold_is_refused_naming_the_field()
    {
        var error = Assert.Throws<ManifestException>(() => Manifests.Services().Loader.Load(
            Path.Combine(TestPaths.RepositoryRoot, "manifests", "deepect.json"), ["clusterUpdater.initialWeight=0.05"]))!;
        Assert.That(error.Message, Does.Contain("clusterUpdater.initialWeight"));
    }

    private Host.Running.RunResult Run(params string[] overrides)
    {
        var data = Path.Combine(_folder, "hierarchy.csv");
        File.WriteAllText(data, PlantedHierarchyCsv());
        var services = Manifests.Services();
        var method = services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "deepect.json"),
        [
            $"data={{\"source\": \"{data.Replace("\\", "\\\\")}\"}}",
            "branch.dims=[32, 4]",
            "schedule.pretrainEpochs=20",
            "schedule.clusteringEpochs=6",
            "optimizer.batchSize=32",
            "optimizer.learningRate=0.01",
            "clusterUpdater.maxLeaves=4",
            "clusterUpdater.splitEveryEpochs=1",
            "clusterUpdater.restarts=3",
            "log.metricsEvery=0",
            "threads=1",
            "pretrainingCache=false",
            .. overrides,
        ]);
        return Manifests.Runner(TextWriter.Null).Run(method);
    }

    /// <summary>
    /// 8-D: two groups at ±6 on the first axis, each of two clusters at ±2 on the second; Gaussian noise 0.3; 50 points
    /// per cluster; the label in the last column.
    /// </summary>
    private static string PlantedHierarchyCsv()
    {
        var random = new Random(11);
        var text = new StringBuilder();
        for (var label = 0; label < 4; label++)
        {
            for (var i = 0; i < 50; i++)
            {
                var row = new double[8];
                for (var d = 0; d < row.Length; d++)
                {
                    // Box-Muller
                    row[d] = 0.3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                }
                row[0] += label < 2 ? -6 : 6;
                row[1] += label % 2 == 0 ? -2 : 2;
                text.AppendLine(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "," + label);
            }
        }
        return text.ToString();
    }
}
