using Taxonomy.Abstractions.Data;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Models;
using Taxonomy.Host.Output;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Methods;

/// <summary>
/// The shipped DipDECK manifest, shrunk to 4 well-separated Gaussian blobs of 100 points in 8-D and a 32-8 autoencoder,
/// started from 20 clusters: it must find the 4 blobs and say in result.json that k was estimated.
/// </summary>
[TestFixture]
public sealed class DipDeckMethodTests
{
    private static readonly string[] s_small =
    [
        "data={\"source\": \"blobs\", \"perCluster\": 100, \"clusters\": 4, \"dimensions\": 8}",
        "branch.dims=[32, 8]",
        "schedule.pretrainEpochs=10",
        "schedule.clusteringEpochs=60",
        "clusterUpdater.initialClusters=20",
        "clusterUpdater.stableEpochs=5",
        "clusterUpdater.restarts=3",
        "optimizer.batchSize=32",
        "optimizer.learningRate=0.01",
        "optimizer.phases.clustering.learningRate=0.001",
        "log.metricsEvery=0",
        "threads=1",
        "pretrainingCache=false",
    ];

    private static FittedRun Fit(StringWriter log, Dataset? given = null)
    {
        var services = Manifests.Services();
        var method = services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "dipdeck.json"), s_small);
        return Manifests.Runner(log).Fit(method, given: given);
    }

    [Test]
    public void Started_at_20_clusters_on_4_separated_blobs_it_estimates_4_and_result_json_says_so()
    {
        var log = new StringWriter();
        using var fitted = Fit(log);
        var result = fitted.Result;

        Assert.That(result.Clusters, Is.EqualTo(4), log.ToString());
        Assert.That(result.Metrics!.Ari, Is.EqualTo(1.0));
        var json = RunWriter.Json(result);
        Assert.That(json["k"]!.GetValue<int>(), Is.EqualTo(4));
        Assert.That(json["kInitial"]!.GetValue<int>(), Is.EqualTo(20));
        Assert.That(json["kSource"]!.GetValue<string>(), Is.EqualTo("estimated"));
        Assert.That(log.ToString(), Does.Contain("merged clusters"));
        Assert.That(log.ToString(), Does.Contain("estimated k = 4 (started from k = 20)"));

        var folder = Directory.CreateTempSubdirectory("taxonomy-dipdeck-").FullName;
        try
        {
            ModelBundle.Save(fitted.Model, folder);
            using var loaded = ModelBundle.Load(folder);
            Assert.That(loaded.Clusters, Is.EqualTo(4), "a saved model assigns to the estimated clusters");
            var descriptor = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!;
            Assert.That(descriptor["k"]!.GetValue<int>(), Is.EqualTo(20), "the k it was built with");
            Assert.That(descriptor["kEstimated"]!.GetValue<int>(), Is.EqualTo(4));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void The_labels_do_not_influence_k_or_the_clustering()
    {
        using var withLabels = Fit(new StringWriter());
        var options = new DataOptions { Source = "blobs", PerCluster = 100, Clusters = 4, Dimensions = 8 };
        using var read = DataCatalog.Load(options, seed: 0, baseDirectory: null, TextWriter.Null, Manifests.File);
        using var unlabelled = new Dataset(read.Name, read.Features.clone(), labels: null, read.Source);
        using var withoutLabels = Fit(new StringWriter(), unlabelled);

        Assert.That(withoutLabels.Result.Metrics, Is.Null, "no labels were there to score against");
        Assert.That(withoutLabels.Result.Clusters, Is.EqualTo(withLabels.Result.Clusters));
        Assert.That(withoutLabels.Result.ClustersSource, Is.EqualTo("estimated"));
        Assert.That(withoutLabels.Result.Clustering.Primary.Labels, Is.EqualTo(withLabels.Result.Clustering.Primary.Labels));
    }

    [Test]
    public void The_manifest_needs_no_clusters_and_refuses_one_beside_its_own_start()
    {
        Assert.That(Manifests.ComposeError("dipdeck"), Is.Null);
        Assert.That(Manifests.ComposeError("dipdeck", "clusters=10"), Does.Contain(
            "clusterUpdater ('dipdeck'): estimates k, starting from its initialClusters (35), so clusters (10) would be ignored; " +
            "remove clusters from the manifest (and --clusters), or set clusterUpdater.initialClusters"));
    }

    [Test]
    public void Its_options_are_checked_with_messages_naming_the_field()
    {
        var services = Manifests.Services();
        var file = Path.Combine(TestPaths.RepositoryRoot, "manifests", "dipdeck.json");
        Assert.That(() => services.Loader.Load(file, ["clusterUpdater.minClusters=40"]),
            Throws.Exception.With.Message.Contains("clusterUpdater.minClusters").And.Message.Contains("must be at most initialClusters (35); got 40"));
        Assert.That(() => services.Loader.Load(file, ["clusterUpdater.mergeThreshold=1.5"]),
            Throws.Exception.With.Message.Contains("clusterUpdater.mergeThreshold"));
        Assert.That(Manifests.ComposeError("dipdeck", "postClustering={\"type\": \"kmeans\"}"), Does.Contain(
            "clusterUpdater ('dipdeck'): estimates k, but postClustering ('kmeans') clusters into the run's k (35, the start)"));
    }
}
