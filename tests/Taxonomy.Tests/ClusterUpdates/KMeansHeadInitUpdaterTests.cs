using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class KMeansHeadInitUpdaterTests
{
    [Test]
    public void The_head_learns_the_k_means_partition_of_the_inputs()
    {
        // Two tight groups on a line: k-means splits them, and the linear head must then separate them the same way.
        using var scope = NewDisposeScope();
        var points = tensor(new float[,] { { 0 }, { 0.1f }, { 0.2f }, { 5 }, { 5.1f }, { 5.2f } });
        manual_seed(3);
        var branch = new MlpClassifierBranch(new MlpClassifierBranch.Options { Dims = [] });
        branch.Build([1], clusters: 2);
        using var run = new FakeRunContext(points, clusters: 2)
        {
            DataSet = new Dataset("line", points.clone(), null, "test"),
            BranchUnderTest = branch,
        };
        var updater = new KMeansHeadInitUpdater(new KMeansHeadInitUpdater.Options { Epochs = 200, LearningRate = 0.1, BatchSize = 6 });

        updater.OnPhaseStart(run);

        using var noGrad = no_grad();
        var labels = branch.Forward(points, new HashSet<string>())[Layers.Logits].argmax(1).data<long>().ToArray();
        Assert.That(labels.Take(3).Distinct().Count(), Is.EqualTo(1));
        Assert.That(labels.Skip(3).Distinct().Count(), Is.EqualTo(1));
        Assert.That(labels[0], Is.Not.EqualTo(labels[3]));
        Assert.That(run.Messages.Single(), Does.Contain("agrees with k-means on 100.0"));
    }

    [Test]
    public void A_branch_without_a_softmax_head_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusterUpdater"] = new JsonObject { ["type"] = "kmeans-head-init" };
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "clusterUpdater ('kmeans-head-init'): needs a branch with a softmax head ('logits'), which branch ('mlp-autoencoder') does not have"));
    }
}
