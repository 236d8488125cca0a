using TorchSharp.Modules;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static Taxonomy.Tests.ClusteringLosses.StudentTTests;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class KMeansInitUpdaterTests
{
    // Two obvious groups around (0.5, 0) and (10.5, 0).
    private static Tensor TwoGroups() => tensor(new float[,] { { 0, 0 }, { 1, 0 }, { 10, 0 }, { 11, 0 } });

    private static KMeansInitUpdater Updater(bool trainable) =>
        new(new KMeansInitUpdater.Options { Restarts = 2, Trainable = trainable });

    [Test]
    public void Kmeans_init_sets_centroids_and_hard_assignments_at_the_start_of_a_clustering_phase()
    {
        using var run = new FakeRunContext(TwoGroups(), clusters: 2);

        Updater(trainable: false).OnPhaseStart(run);

        var labels = run.State.Get(ClusterStateKeys.HardAssignments)!;
        Assert.That(labels[0], Is.EqualTo(labels[1]));
        Assert.That(labels[2], Is.EqualTo(labels[3]).And.Not.EqualTo(labels[0]));
        var centroids = Flat(run.State.Get(ClusterStateKeys.Centroids)!);
        Assert.That(new[] { centroids[2 * labels[0]], centroids[2 * labels[2]] }, Is.EqualTo(new[] { 0.5, 10.5 }).Within(1e-6));
        Assert.That(run.State.Trainable(ClusterStateKeys.Centroids), Is.Null);
        Assert.That(run.State.Get(ClusterStateKeys.Centroids)!.requires_grad, Is.False);
    }

    [Test]
    public void Ward_initialisation_takes_the_agglomerative_clusters_and_their_means()
    {
        // A chain 0, 1, 2, 3 and a far point 9 (1-D): Ward's 2 clusters are the chain and the point, as k-means's.
        using var run = new FakeRunContext(tensor(new float[,] { { 0 }, { 1 }, { 2 }, { 3 }, { 9 } }), clusters: 2);
        var updater = new KMeansInitUpdater(new KMeansInitUpdater.Options { Initialisation = InitialClustering.Ward });

        updater.OnPhaseStart(run);

        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments), Is.EqualTo(new[] { 0, 0, 0, 0, 1 }));
        Assert.That(Flat(run.State.Get(ClusterStateKeys.Centroids)!), Is.EqualTo(new[] { 1.5, 9 }).Within(1e-6));
        Assert.That(run.Messages.Single(), Is.EqualTo("[clustering] initialisation by Ward linkage over 5 samples, fixed centroids"));
    }

    [Test]
    public void Kmeans_init_does_nothing_in_a_pretraining_phase()
    {
        using var run = new FakeRunContext(TwoGroups(), clusters: 2) { Progress = FakeRunContext.At(PhaseKind.Pretraining, 0) };

        Updater(trainable: true).OnPhaseStart(run);

        Assert.That(run.State.Get(ClusterStateKeys.Centroids), Is.Null);
        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments), Is.Null);
    }

    [Test]
    public void Trainable_centroids_are_a_parameter_the_optimiser_moves()
    {
        using var run = new FakeRunContext(TwoGroups(), clusters: 2);
        Updater(trainable: true).OnPhaseStart(run);
        var centroids = run.State.Trainable(ClusterStateKeys.Centroids);
        Assert.That(centroids, Is.InstanceOf<Parameter>());
        Assert.That(centroids!.requires_grad, Is.True);
        var before = Flat(centroids);

        // One SGD step (lr 0.1) on Σ μ²: every coordinate moves by −0.1 · 2μ.
        using (var optimizer = optim.SGD([centroids], 0.1))
        using (var scope = NewDisposeScope())
        {
            centroids.square().sum().backward();
            optimizer.step();
        }

        Assert.That(Flat(run.State.Get(ClusterStateKeys.Centroids)!), Is.EqualTo(before.Select(x => x * 0.8).ToArray()).Within(1e-5));
    }

    [TestCase(true, new[] { 0, 0, 0, 1 })]
    [TestCase(false, new[] { 0, 0, 1, 1 })]
    public void Hard_assignments_follow_trainable_centroids_at_the_end_of_each_epoch(bool trainable, int[] expected)
    {
        // After k-means, move the centroids to (0, 0) and (21, 0): the point at 10 is now nearer to the first.
        using var run = new FakeRunContext(TwoGroups(), clusters: 2);
        var updater = Updater(trainable);
        updater.OnPhaseStart(run);
        var first = run.State.Get(ClusterStateKeys.HardAssignments)![0];
        var moved = first == 0 ? new float[,] { { 0, 0 }, { 21, 0 } } : new float[,] { { 21, 0 }, { 0, 0 } };
        using (no_grad())
        {
            run.State.Get(ClusterStateKeys.Centroids)!.copy_(tensor(moved));
        }

        updater.OnEpochEnd(run);

        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments)!.Select(label => label == first ? 0 : 1), Is.EqualTo(expected));
    }

    [Test]
    public void The_trainer_optimises_trainable_centroids_with_the_network()
    {
        // DKM's manifest, shrunk, with an updater that records the centroids: its soft k-means loss moves them.
        Methods.MethodTests.Run("dkm", "clusterUpdater={\"type\": \"recording-kmeans-init\"}");

        var start = TestBlocks.RecordingKMeansInit.AfterInitialisation!;
        var end = TestBlocks.RecordingKMeansInit.AfterLastEpoch!;
        Assert.That(end, Has.Length.EqualTo(start.Length));
        Assert.That(start.Zip(end, (a, b) => Math.Abs(a - b)).Max(), Is.GreaterThan(1e-3));
    }

    [Test]
    public void The_numbering_of_a_new_clustering_follows_the_largest_overlaps_with_the_old()
    {
        Assert.That(KMeansInitUpdater.MatchNumbering([0, 0, 1, 1, 2], [2, 2, 0, 0, 1], 3), Is.EqualTo(new[] { 2, 0, 1 }));
        // New cluster 0 overlaps old 1 by two samples and old 0 by one: it takes 1, and new cluster 1 takes 0.
        Assert.That(KMeansInitUpdater.MatchNumbering([0, 0, 0, 1], [1, 1, 0, 0], 2), Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void Periodic_reclustering_keeps_the_cluster_numbers_and_moves_the_centroids()
    {
        using var run = new FakeRunContext(TwoGroups(), clusters: 2);
        var updater = new KMeansInitUpdater(new KMeansInitUpdater.Options { Restarts = 2, EveryEpochs = 2 });
        updater.OnPhaseStart(run);
        var numbers = run.State.Get(ClusterStateKeys.HardAssignments)!.ToArray();
        run.Features = tensor(new float[,] { { 0, 0 }, { 2, 0 }, { 10, 0 }, { 13, 0 } });   // the features drifted

        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 0);                // end of epoch 1: no change
        updater.OnEpochEnd(run);
        Assert.That(Flat(run.State.Get(ClusterStateKeys.Centroids)!)[2 * numbers[3]], Is.EqualTo(10.5).Within(1e-6));

        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: 10);               // end of epoch 2
        updater.OnEpochEnd(run);
        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments), Is.EqualTo(numbers), "the same samples keep the same numbers");
        Assert.That(Flat(run.State.Get(ClusterStateKeys.Centroids)!)[2 * numbers[3]], Is.EqualTo(11.5).Within(1e-6));
        Assert.That(run.Messages.Last(), Does.Contain("100.0 % of the samples keep their cluster"));
    }

    [Test]
    public void Reclustering_and_trainable_centroids_exclude_each_other()
    {
        var options = new KMeansInitUpdater.Options { Trainable = true, EveryEpochs = 1 };
        Assert.That(options.Validate().Single().Option, Is.EqualTo("everyEpochs"));
    }
}
