using Taxonomy.Abstractions.Training;
using System.Text.Json.Nodes;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.PostClustering;

[TestFixture]
public sealed class ArgmaxPostClusteringTests
{
    private static ArgmaxPostClustering Argmax(string of) => new(new ArgmaxPostClustering.Options { Of = of });

    [Test]
    public void Student_t_argmax_is_the_argmax_of_q_over_all_data()
    {
        using var scope = NewDisposeScope();
        var points = tensor(new float[,] { { 0, 0 }, { 2, 0 }, { 0.4f, 3 }, { -5, 1 } });
        var centroids = tensor(new float[,] { { 0, 0 }, { 1, 0 }, { 0, 3 } });
        using var run = new FakeRunContext(points, clusters: 3);
        run.State.SetCopy(ClusterStateKeys.Centroids, centroids, trainable: true);

        var expected = StudentT.SoftAssignment(points, centroids, 1).argmax(1).to(ScalarType.Int32).data<int>().ToArray();
        Assert.That(Argmax(ArgmaxPostClustering.StudentT).Cluster(run).Primary.Labels, Is.EqualTo(expected));
        Assert.That(Argmax(ArgmaxPostClustering.NearestCentroid).Cluster(run).Primary.Labels, Is.EqualTo(expected));
        Assert.That(expected, Is.EqualTo(new[] { 0, 1, 2, 0 }));
    }

    [Test]
    public void Argmax_of_centroids_without_an_updater_that_keeps_them_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new JsonObject { ["type"] = "argmax" };
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "postClustering ('argmax'): needs 'centroids' in the cluster state, which clusterUpdater ('none') does not " +
            "provide (it provides none)"));
    }

    [Test]
    public void Argmax_of_probabilities_on_a_branch_without_them_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new JsonObject { ["type"] = "argmax", ["of"] = "probabilities" };
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "postClustering ('argmax'): needs the branch output 'probabilities', which branch ('mlp-autoencoder') " +
            "does not produce (it produces: embedding, hidden1, reconstruction)"));
    }

    [Test]
    public void An_unknown_argmax_source_is_rejected_with_the_choices()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new JsonObject { ["type"] = "argmax", ["of"] = "softmax" };
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: postClustering.of: 'softmax' is not one of: student-t, nearest-centroid, probabilities, mixture"));
    }
}
