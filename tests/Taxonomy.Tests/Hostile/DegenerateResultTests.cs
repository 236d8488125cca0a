using Taxonomy.Host.Manifest;
using Taxonomy.Host.Output;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>A clustering that leaves clusters empty is reported in the log, the summary and result.json.</summary>
[TestFixture, NonParallelizable]
public sealed class DegenerateResultTests
{
    private static (RunResult Result, string Log) Run(string postClustering)
    {
        var manifest = Manifests.AeKMeans();
        manifest["schedule"]!["epochs"] = 1;
        using var services = Manifests.Services();
        var method = services.Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File), [$"postClustering={postClustering}"]);
        var log = new StringWriter();
        return (services.Runner(log).Run(method), log.ToString());
    }

    [Test]
    public void A_collapse_into_one_cluster_is_reported_in_the_log_the_summary_and_result_json()
    {
        var (result, log) = Run("one-cluster");

        Assert.That(result.ClusterSizes, Is.EqualTo(new[] { 200, 0, 0, 0 }));
        Assert.That(log, Does.Contain("warning: the clustering is degenerate: postClustering ('one-cluster') put the samples into 1 of the k=4 clusters (sizes 200, 0, 0, 0)"));
        Assert.That(result.Summary(), Does.Contain("DEGENERATE: 1 of 4 clusters hold samples"));
        var json = RunWriter.Json(result);
        Assert.That(json["degenerate"]!.GetValue<bool>(), Is.True);
        Assert.That(json["clustersFound"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public void A_healthy_clustering_says_nothing_and_records_its_sizes()
    {
        var (result, log) = Run("kmeans");

        Assert.That(log, Does.Not.Contain("degenerate"));
        Assert.That(result.ClusterSizes.Sum(), Is.EqualTo(200));
        Assert.That(RunWriter.Json(result)["degenerate"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public void A_cluster_id_outside_the_k_clusters_is_an_error_naming_the_block()
    {
        Assert.That(() => Run("out-of-range"), Throws.TypeOf<TrainingException>()
            .With.Message.EqualTo("postClustering ('out-of-range'): sample 1 is in cluster 4, outside 0 to 3."));
    }
}
