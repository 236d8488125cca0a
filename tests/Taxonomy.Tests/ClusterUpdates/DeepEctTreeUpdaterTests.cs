using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class DeepEctTreeUpdaterTests
{
    [Test]
    public void The_leaf_to_split_has_the_largest_sum_of_squared_distances_not_the_most_samples()
    {
        using var scope = NewDisposeScope();
        var tree = new EmbeddedClusterTree([0f], capacity: 3);
        var (left, _) = tree.Split(tree.Root, [0f], [10f], 1);
        tree.Split(left, [0f], [-100f], 1);
        // Leaves 0 (at 0): six samples at ±1, error 6; 1 (at −100): one sample far away, error 400 but not splittable;
        // 2 (at 10): two samples at 10 ± 2, error 8.
        var features = tensor(new float[] { -1, 1, -1, 1, -1, 1, -120, 8, 12 }).unsqueeze(1);
        Assert.That(DeepEctTreeUpdater.LargestError(features, tree), Is.EqualTo(2));
    }

    [Test]
    public void The_tree_grows_by_the_largest_error_into_a_planted_two_level_hierarchy()
    {
        using var scope = NewDisposeScope();
        // Two groups far apart along x, each of two clusters apart along y; the left group is larger, so its leaf has
        // the larger error and is split first.
        var (features, labels) = PlantedHierarchy(perCluster: [40, 40, 25, 25]);
        using var run = new FakeRunContext(features, clusters: 4);
        var updater = new DeepEctTreeUpdater(new DeepEctTreeUpdater.Options { MaxLeaves = 4, SplitEveryIterations = 5, Restarts = 3 });

        updater.OnPhaseStart(run);
        var tree = run.State.Require(DeepEctTreeUpdater.Tree, "test");
        Assert.That(tree.Leaves, Has.Count.EqualTo(2));
        var leftGroup = tree.Root.Left!.Centre[0] < 0 ? tree.Root.Left! : tree.Root.Right!;

        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 4);
        updater.OnBatchStart(run, new Batch(features, arange(1)));
        Assert.That(tree.Leaves, Has.Count.EqualTo(2), "no split before T iterations");
        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 5);
        updater.OnBatchStart(run, new Batch(features, arange(1)));
        Assert.That(leftGroup.IsLeaf, Is.False, "the larger group's leaf is split first");
        Assert.That(tree.Leaves, Has.Count.EqualTo(3));
        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 10);
        updater.OnBatchStart(run, new Batch(features, arange(1)));
        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 15);
        updater.OnBatchStart(run, new Batch(features, arange(1)));
        Assert.That(tree.Leaves, Has.Count.EqualTo(4), "no split beyond maxLeaves");

        var result = (Hierarchy)new ClusterTreePostClustering().Cluster(run);
        Assert.That(TreeMetrics.DendrogramPurity(result.Tree, result.LeafOfSample, labels), Is.EqualTo(1.0));
        Assert.That(result.Cut.Clusters, Is.EqualTo(4));
        Assert.That(ClusteringMetrics.Accuracy(labels, result.Cut.Labels), Is.EqualTo(1.0));
        // The cut at 2 is the two groups.
        var groups = result.Tree.Cut(result.LeafOfSample, 2);
        Assert.That(ClusteringMetrics.Accuracy(labels.Select(l => l / 2).ToArray(), groups), Is.EqualTo(1.0));
    }

    [Test]
    public void After_a_step_the_tree_reads_the_trained_leaf_centres_and_prunes_a_leaf_no_batch_reaches()
    {
        using var scope = NewDisposeScope();
        var (features, _) = PlantedHierarchy(perCluster: [10, 10, 10, 10]);
        using var run = new FakeRunContext(features, clusters: 2);
        var updater = new DeepEctTreeUpdater(new DeepEctTreeUpdater.Options { MaxLeaves = 3, Restarts = 3 });
        updater.OnPhaseStart(run);
        var tree = run.State.Require(DeepEctTreeUpdater.Tree, "test");
        var centres = run.State.Require(DeepEctTreeUpdater.LeafCentres, "test");
        var right = tree.Root.Left!.Centre[0] < 0 ? tree.Root.Right! : tree.Root.Left!;
        // The optimiser moved the right group's leaf centre; batches only hold samples of the left group (rows 0-19).
        using (no_grad())
        {
            centres[right.Slot].add_(tensor(new float[] { 0.5f, 0 }));
        }
        var expected = right.Centre[0] + 0.5f;
        var leftRows = arange(20);
        updater.OnBatchEnd(run, run.Step(features.index_select(0, leftRows), leftRows.data<long>().ToArray()));
        Assert.That(right.Centre[0], Is.EqualTo(expected).Within(1e-6));
        Assert.That(tree.Leaves, Has.Count.EqualTo(2));
        for (var batch = 0; batch < 3; batch++)
        {
            updater.OnBatchEnd(run, run.Step(features.index_select(0, leftRows), leftRows.data<long>().ToArray()));
        }
        Assert.That(tree.Leaves, Has.Count.EqualTo(1), "weight 1/16 after four batches without samples: below 0.1");
        Assert.That(run.Messages.Last(), Does.Contain("1 node(s) pruned"));
    }

    [Test]
    public void Leaves_of_one_sample_each_are_not_split()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(tensor(new float[,] { { 0, 0 }, { 5, 5 } }), clusters: 2);
        var updater = new DeepEctTreeUpdater(new DeepEctTreeUpdater.Options { MaxLeaves = 3, SplitEveryIterations = 1, Restarts = 1 });
        updater.OnPhaseStart(run);
        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 1);
        updater.OnBatchStart(run, new Batch(run.Features, arange(2)));
        Assert.That(run.State.Require(DeepEctTreeUpdater.Tree, "test").Leaves, Has.Count.EqualTo(2));
        Assert.That(run.Messages.Last(), Does.Contain("no split, none of the 2 leaves has two samples"));
    }

    [Test]
    public void The_updater_acts_only_in_the_clustering_phase()
    {
        using var scope = NewDisposeScope();
        var (features, _) = PlantedHierarchy(perCluster: [5, 5, 5, 5]);
        using var run = new FakeRunContext(features, clusters: 2) { Progress = FakeRunContext.At(PhaseKind.Pretraining, 0) };
        new DeepEctTreeUpdater(new DeepEctTreeUpdater.Options()).OnPhaseStart(run);
        Assert.That(run.State.Has(DeepEctTreeUpdater.Tree), Is.False);
    }

    /// <summary>Clusters at (−10, ±1) (labels 0, 1) and (10, ±1) (labels 2, 3), spread 0.1, in a fixed order.</summary>
    internal static (Tensor Features, int[] Labels) PlantedHierarchy(int[] perCluster)
    {
        (float X, float Y)[] centres = [(-10, 1), (-10, -1), (10, 1), (10, -1)];
        var generator = new Random(7);
        var rows = new List<float>();
        var labels = new List<int>();
        for (var c = 0; c < centres.Length; c++)
        {
            for (var i = 0; i < perCluster[c]; i++)
            {
                rows.Add(centres[c].X + (float)(0.1 * (generator.NextDouble() - 0.5)));
                rows.Add(centres[c].Y + (float)(0.1 * (generator.NextDouble() - 0.5)));
                labels.Add(c);
            }
        }
        return (tensor(rows.ToArray(), [labels.Count, 2]), labels.ToArray());
    }
}
