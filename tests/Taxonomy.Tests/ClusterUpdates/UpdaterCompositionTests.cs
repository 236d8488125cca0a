using System.Text.Json.Nodes;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class UpdaterCompositionTests
{
    private static JsonObject Dec(JsonObject? loss = null, JsonObject? updater = null)
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = loss ?? new JsonObject { ["type"] = "cluster-hardening" };
        manifest["clusterUpdater"] = updater ?? new JsonObject { ["type"] = "target-distribution" };
        manifest["schedule"] = new JsonObject { ["type"] = "pretrain-then-finetune" };
        manifest["postClustering"] = new JsonObject { ["type"] = "argmax" };
        return manifest;
    }

    [Test]
    public void Dec_composes()
    {
        Assert.That(Manifests.ComposeError(Dec()), Is.Null);
    }

    [Test]
    public void Cluster_hardening_with_a_state_target_needs_an_updater_that_refreshes_it()
    {
        var manifest = Dec(updater: new JsonObject { ["type"] = "kmeans-init", ["trainable"] = true });
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "clusteringLoss ('cluster-hardening'): needs 'target-distribution' in the cluster state, which clusterUpdater " +
            "('kmeans-init') does not provide (it provides: centroids, hard-assignments)"));
    }

    [Test]
    public void Cluster_hardening_with_a_batch_target_needs_only_centroids()
    {
        var manifest = Dec(loss: new JsonObject { ["type"] = "cluster-hardening", ["target"] = "batch" },
                           updater: new JsonObject { ["type"] = "kmeans-init", ["trainable"] = true });
        Assert.That(Manifests.ComposeError(manifest), Is.Null);
    }

    [Test]
    public void The_updater_and_the_loss_must_use_the_same_student_t_kernel()
    {
        var manifest = Dec(loss: new JsonObject { ["type"] = "cluster-hardening", ["alpha"] = 2.0 });
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "clusterUpdater ('target-distribution'): clusterUpdater.alpha (1) differs from clusteringLoss.alpha (2); " +
            "the target distribution must come from the same Student-t kernel as the loss"));
    }

    [Test]
    public void The_kmeans_loss_needs_hard_assignments_and_centroids()
    {
        var manifest = Dec(loss: new JsonObject { ["type"] = "kmeans" }, updater: new JsonObject { ["type"] = "none" });
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "clusteringLoss ('kmeans'): needs 'hard-assignments' in the cluster state, which clusterUpdater " +
            "('none') does not provide (it provides none)"));
    }
}
