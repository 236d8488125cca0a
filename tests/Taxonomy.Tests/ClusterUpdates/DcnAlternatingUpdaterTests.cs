using Taxonomy.Blocks.ClusterUpdates;
using static Taxonomy.Tests.ClusteringLosses.StudentTTests;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class DcnAlternatingUpdaterTests
{
    [Test]
    public void Centroids_move_by_the_incremental_rule_with_counts_carried_over()
    {
        using var scope = NewDisposeScope();
        var centroids = tensor(new float[,] { { 0, 0 }, { 10, 0 }, { 5, 5 } });
        double[] counts = [3, 1, 7];

        // Batch 1: (1, 0) and (2, 0) go to cluster 0, (9, 2) to cluster 1; cluster 2 gets nothing.
        // Cluster 0: n = 4: c = 0 − ¼ (0 − 1) = 0.25;  n = 5: c = 0.25 − ⅕ (0.25 − 2) = 0.6.
        // Cluster 1: n = 2: c = (10, 0) − ½ ((10, 0) − (9, 2)) = (9.5, 1).
        var (first, labels) = DcnAlternatingUpdater.Update(centroids, tensor(new float[,] { { 1, 0 }, { 2, 0 }, { 9, 2 } }), counts);
        Assert.That(labels, Is.EqualTo(new[] { 0, 0, 1 }));
        Assert.That(Flat(first), Is.EqualTo(new[] { 0.6, 0, 9.5, 1, 5, 5 }).Within(1e-6));
        Assert.That(counts, Is.EqualTo(new double[] { 5, 2, 7 }));

        // Batch 2, counts carried over: (3, 0) → cluster 0, n = 6: c = 0.6 − ⅙ (0.6 − 3) = 1.0.
        var (second, labels2) = DcnAlternatingUpdater.Update(first, tensor(new float[,] { { 3, 0 } }), counts);
        Assert.That(labels2, Is.EqualTo(new[] { 0 }));
        Assert.That(Flat(second), Is.EqualTo(new[] { 1.0, 0, 9.5, 1, 5, 5 }).Within(1e-6));
        Assert.That(counts, Is.EqualTo(new double[] { 6, 2, 7 }));
    }

    [Test]
    public void Samples_are_assigned_against_the_centroids_before_the_update()
    {
        // Against (0, 0) and (10, 0), (4.9, 0) goes to cluster 0 and (5.2, 0) to cluster 1. With count 0, cluster 0
        // jumps onto (4.9, 0); were samples assigned one by one against moving centroids, (5.2, 0) would follow it.
        using var scope = NewDisposeScope();
        double[] counts = [0, 100];
        var (centroids, labels) = DcnAlternatingUpdater.Update(
            tensor(new float[,] { { 0, 0 }, { 10, 0 } }), tensor(new float[,] { { 4.9f, 0 }, { 5.2f, 0 } }), counts);
        Assert.That(labels, Is.EqualTo(new[] { 0, 1 }));
        // Cluster 0 with n = 0 becomes its sample; cluster 1: (100 · 10 + 5.2) / 101.
        Assert.That(Flat(centroids), Is.EqualTo(new[] { 4.9, 0, (1000 + 5.2) / 101, 0 }).Within(1e-5));
    }

    [Test]
    public void The_initial_count_defaults_to_the_original_codes_100()
    {
        Assert.That(new DcnAlternatingUpdater.Options().InitialCount, Is.EqualTo(100));
    }
}
