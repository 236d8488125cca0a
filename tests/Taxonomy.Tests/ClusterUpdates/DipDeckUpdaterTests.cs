using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class DipDeckUpdaterTests
{
    private static readonly (float X, float Y)[] s_corners = [(0, 0), (20, 0), (0, 20), (20, 20)];

    /// <summary>4 well-separated 2-D Gaussian blobs of <paramref name="perBlob"/> points (blob i: rows i·perBlob…), seeded.</summary>
    private static Tensor Blobs(int perBlob, int seed)
    {
        var random = new Random(seed);
        var values = new float[s_corners.Length * perBlob * 2];
        for (var i = 0; i < s_corners.Length * perBlob; i++)
        {
            var (x, y) = s_corners[i / perBlob];
            values[2 * i] = x + (float)Normal(random);
            values[2 * i + 1] = y + (float)Normal(random);
        }
        return tensor(values, [s_corners.Length * perBlob, 2]);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static DipDeckUpdater Updater(int initial = 20, double threshold = 0.9, int stable = 3) =>
        new(new DipDeckUpdater.Options { InitialClusters = initial, MergeThreshold = threshold, StableEpochs = stable, Restarts = 3 });

    [Test]
    public void On_fixed_features_it_merges_until_no_pair_reaches_the_threshold_and_never_across_separated_blobs()
    {
        // Without training the pieces k-means cuts a blob into stay where they are, so how far they merge depends on
        // their shapes (the method test shows training pulling 20 clusters down to 4); what must hold is the rule.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Blobs(100, seed: 0), clusters: 20);
        var updater = Updater();
        updater.OnPhaseStart(run);
        Assert.That(run.State.Require(ClusterStateKeys.Centroids, "test").shape[0], Is.EqualTo(20));
        Assert.That(run.State.Require(DipDeckUpdater.Clusters, "test").UseStoredAssignments, Is.True);

        var outcomes = new List<UpdateOutcome>();
        for (var epoch = 0; epoch < 30 && (outcomes.Count == 0 || outcomes[^1] == UpdateOutcome.Continue); epoch++)
        {
            run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: epoch * 10 + 9);
            outcomes.Add(updater.OnEpochEnd(run));
        }

        var clusters = run.State.Require(DipDeckUpdater.Clusters, "test");
        var k = clusters.Centres.Length;
        Assert.That(k, Is.LessThan(20).And.GreaterThanOrEqualTo(4));
        Assert.That(DipDeckUpdater.Highest(clusters.PValues).PValue, Is.LessThan(0.9));
        Assert.That(outcomes[^1], Is.EqualTo(UpdateOutcome.StopPhase));
        Assert.That(outcomes.Count(o => o == UpdateOutcome.Continue), Is.GreaterThanOrEqualTo(2), "three epochs without a merge end the phase");
        var labels = run.State.Require(ClusterStateKeys.HardAssignments, "test");
        for (var cluster = 0; cluster < k; cluster++)
        {
            var blobs = labels.Select((l, i) => (l, i)).Where(p => p.l == cluster).Select(p => p.i / 100).Distinct();
            Assert.That(blobs.Count(), Is.LessThanOrEqualTo(1), $"cluster {cluster} lies in one blob");
        }
        Assert.That(run.State.Require(ClusterStateKeys.Centroids, "test").shape[0], Is.EqualTo(k));
        Assert.That(run.Messages.Last(), Does.Contain($"k = {k} after 3 epochs without a merge"));
    }

    [Test]
    public void The_pair_with_the_highest_p_value_merges_first_and_only_pairs_at_or_above_the_threshold_merge()
    {
        // Four clusters, the four blobs: their real dip p-values are ~0. The p-values given say that 0 and 2 (0.95) and
        // 1 and 3 (0.92) are alike; after the first merge the merged cluster's p-values are computed afresh (~0).
        var points = Rows(Blobs(50, seed: 1));
        var labels = Enumerable.Range(0, 200).Select(i => i / 50).ToArray();
        int[] centres = [0, 50, 100, 150];
        var given = new double[4, 4];
        (given[0, 2], given[1, 3], given[0, 1]) = (0.95, 0.92, 0.5);
        for (var a = 0; a < 4; a++)
        {
            for (var b = 0; b < a; b++)
            {
                given[a, b] = given[b, a];
            }
        }

        var none = Updater(initial: 4, threshold: 0.96).MergeUnimodal(points, centres, labels, given);
        var one = Updater(initial: 4, threshold: 0.93).MergeUnimodal(points, centres, labels, given);
        var two = Updater(initial: 4, threshold: 0.92).MergeUnimodal(points, centres, labels, given);

        Assert.That(none.Merges, Is.Empty);
        Assert.That(none.Centres, Is.EqualTo(centres));
        Assert.That(one.Merges.Select(m => (m.A, m.B, m.PValue)), Is.EqualTo(new[] { (0, 2, 0.95) }));
        Assert.That(one.Labels.Distinct().Count(), Is.EqualTo(3));
        Assert.That(one.Labels.Where((_, i) => i / 50 is 0 or 2).Distinct(), Is.EqualTo(new[] { 0 }), "blobs 0 and 2 are cluster 0");
        // After the first merge, clusters 1 and 3 are numbered 1 and 2.
        Assert.That(two.Merges.Select(m => (m.A, m.B, m.PValue, m.K)), Is.EqualTo(new[] { (0, 2, 0.95, 3), (1, 2, 0.92, 2) }));
    }

    [Test]
    public void No_merge_goes_below_min_clusters()
    {
        var points = Rows(Blobs(20, seed: 2));
        var labels = Enumerable.Range(0, 80).Select(i => i / 20).ToArray();
        var alike = new double[4, 4];
        for (var a = 0; a < 4; a++)
        {
            for (var b = 0; b < 4; b++)
            {
                alike[a, b] = a == b ? 0 : 1;
            }
        }
        var updater = new DipDeckUpdater(new DipDeckUpdater.Options { InitialClusters = 4, MinClusters = 3 });

        var result = updater.MergeUnimodal(points, [0, 20, 40, 60], labels, alike);

        Assert.That(result.Centres, Has.Length.EqualTo(3));
    }

    [Test]
    public void Highest_is_the_first_pair_in_row_order_among_ties()
    {
        var p = new double[3, 3];
        (p[0, 2], p[2, 0], p[1, 2], p[2, 1]) = (0.7, 0.7, 0.7, 0.7);
        Assert.That(DipDeckUpdater.Highest(p), Is.EqualTo((0, 2, 0.7)));
    }

    private static double[][] Rows(Tensor points)
    {
        var values = points.to(float64).data<double>().ToArray();
        return Enumerable.Range(0, (int)points.shape[0]).Select(i => new[] { values[2 * i], values[2 * i + 1] }).ToArray();
    }
}
