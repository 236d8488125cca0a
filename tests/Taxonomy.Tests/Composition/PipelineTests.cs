using System.Text.Json.Nodes;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Composition;

[TestFixture]
public sealed class PipelineTests
{
    private static string ComposeError(JsonObject manifest) =>
        Manifests.ComposeError(manifest) ?? throw new AssertionException("The blocks were expected not to compose.");

    [Test]
    public void A_reconstruction_loss_on_a_branch_without_decoder_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = new JsonObject { ["type"] = "encoder-only" };
        Assert.That(ComposeError(manifest), Is.EqualTo(
            $"{Manifests.File}: these blocks cannot work together: " +
            "nonClusteringLoss ('reconstruction'): needs the branch output 'reconstruction', which branch " +
            "('encoder-only') does not produce (it produces: embedding)."));
    }

    [Test]
    public void A_feature_layer_the_branch_lacks_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["featureSelector"] = new JsonObject { ["type"] = "concatenated-layers", ["layers"] = new JsonArray("hidden7") };
        Assert.That(ComposeError(manifest), Does.Contain(
            "featureSelector ('concatenated-layers'): needs the branch output 'hidden7', which branch ('mlp-autoencoder') " +
            "does not produce (it produces: embedding, hidden1, reconstruction)"));
    }

    [Test]
    public void A_clustering_phase_without_a_clustering_loss_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["schedule"] = new JsonObject { ["type"] = "pretrain-then-joint" };
        Assert.That(ComposeError(manifest), Does.Contain(
            "schedule ('pretrain-then-joint'): phase 'clustering' trains with the clustering loss, but clusteringLoss is 'none'"));
    }

    [Test]
    public void A_phase_with_nothing_to_train_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"] = new JsonObject { ["type"] = "none" };
        Assert.That(ComposeError(manifest), Does.Contain(
            "schedule ('pretrain'): phase 'pretrain' has no loss to train"));
    }

    [Test]
    public void A_loss_needing_centroids_without_an_updater_providing_them_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "needs-centroids" };
        manifest["schedule"] = new JsonObject { ["type"] = "pretrain-then-joint" };
        Assert.That(ComposeError(manifest), Does.Contain(
            "clusteringLoss ('needs-centroids'): needs 'centroids' in the cluster state, which clusterUpdater ('none') does not provide (it provides none)"));
    }

    [Test]
    public void All_problems_are_reported_together()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = new JsonObject { ["type"] = "encoder-only" };
        manifest["featureSelector"] = new JsonObject { ["type"] = "concatenated-layers", ["layers"] = new JsonArray("hidden1") };
        var message = ComposeError(manifest);
        Assert.That(message, Does.StartWith($"{Manifests.File}: these blocks cannot work together (2 problems): (1) "));
        Assert.That(message, Does.Contain("; (2) ").And.Not.Contain("(3)").And.Not.Contain("\n"));
    }
}
