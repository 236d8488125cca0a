using Taxonomy.Blocks.Clustering;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class MixtureInitUpdaterTests
{
    [Test]
    public void Each_k_means_cluster_becomes_a_gaussian_with_its_mean_variance_and_share()
    {
        // Cluster 0: (0, 0), (2, 0), (1, 3): mean (1, 1), variances (2/3, 2); cluster 1: (10, 10) alone: variance floored.
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 0, 0 }, { 2, 0 }, { 10, 10 }, { 1, 3 } });

        var (means, logVariances, logWeights) = MixtureInitUpdater.FromClusters(x, [0, 0, 1, 0], clusters: 2);

        Assert.That(means.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1, 10, 10 }).Within(1e-6));
        Assert.That(logVariances.exp().data<float>().ToArray(), Is.EqualTo(new[] { 2 / 3f, 2, 1e-6f, 1e-6f }).Within(1e-6));
        Assert.That(logWeights.exp().data<float>().ToArray(), Is.EqualTo(new[] { 0.75f, 0.25f }).Within(1e-6));
    }

    [Test]
    public void At_the_clustering_phase_the_state_gets_a_trainable_mixture_and_hard_assignments()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 0, 0 }, { 0.2f, 0 }, { 5, 5 }, { 5.2f, 5 } });
        using var run = new FakeRunContext(x, clusters: 2) { Progress = FakeRunContext.At(PhaseKind.Clustering, 0) };
        var updater = new MixtureInitUpdater(new MixtureInitUpdater.Options { Restarts = 2 });

        updater.OnPhaseStart(run);

        Assert.That(run.State.TrainableParameters.Count(), Is.EqualTo(3));
        Assert.That(run.State.Get(DiagonalMixture.LogWeights)!.exp().data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 0.5f }).Within(1e-6));
        var labels = run.State.Get(ClusterStateKeys.HardAssignments)!;
        Assert.That(labels[0], Is.EqualTo(labels[1]));
        Assert.That(labels[2], Is.EqualTo(labels[3]));
        Assert.That(labels[0], Is.Not.EqualTo(labels[2]));
        Assert.That(updater.OnEpochEnd(run), Is.EqualTo(UpdateOutcome.Continue));
        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments), Is.EqualTo(labels), "the most responsible components are k-means's clusters");
    }

    [Test]
    public void The_mixture_argmax_weighs_spread_which_the_nearest_centroid_does_not()
    {
        // Components N(0, 100) and N(3, 0.01): the point 2.5 is nearer the second mean but far likelier under the first.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(tensor(new float[,] { { 2.5f }, { 3 } }), clusters: 2);
        DiagonalMixture.Store(run.State, tensor(new float[,] { { 0 }, { 3 } }), tensor(new[,] { { MathF.Log(100) }, { MathF.Log(0.01f) } }),
            zeros(2), trainable: false);

        var mixture = new ArgmaxPostClustering(new ArgmaxPostClustering.Options { Of = ArgmaxPostClustering.Mixture });
        var nearest = new ArgmaxPostClustering(new ArgmaxPostClustering.Options { Of = ArgmaxPostClustering.NearestCentroid });

        Assert.That(mixture.Cluster(run).Primary.Labels, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(nearest.Cluster(run).Primary.Labels, Is.EqualTo(new[] { 1, 1 }));
    }
}
