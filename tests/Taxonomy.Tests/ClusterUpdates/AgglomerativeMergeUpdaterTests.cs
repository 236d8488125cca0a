using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class AgglomerativeMergeUpdaterTests
{
    // Unit vectors at angles 0°, 10°, 20° (clusters 0, 1) and 90°, 100° (clusters 2, 3), 250° (cluster 4).
    private static Tensor Points() => tensor(new[] { 0.0, 10, 20, 90, 100, 250 }
        .SelectMany(a => new[] { (float)Math.Cos(a * Math.PI / 180), (float)Math.Sin(a * Math.PI / 180) }).ToArray(), [6, 2]);

    [Test]
    public void Average_linkage_merges_the_most_similar_clusters_first()
    {
        using var scope = NewDisposeScope();
        int[] labels = [0, 1, 1, 2, 3, 4];
        // Into 3: {90°} + {100°} (cos 10° = 0.9848) and {0°} + {10°, 20°} (mean cosine 0.9622) merge; 250° stays alone.
        Assert.That(AgglomerativeMergeUpdater.Merge(Points(), labels, 3), Is.EqualTo(new[] { 0, 0, 0, 1, 1, 2 }));
        // Into 2: next, {90°, 100°} joins {0°…20°} (mean cosine 0.086); 250° is far from both (−0.50 and −0.90).
        Assert.That(AgglomerativeMergeUpdater.Merge(Points(), labels, 2), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 1 }));
    }

    [Test]
    public void Each_period_merges_eta_of_the_clusters_and_the_phase_ends_a_period_after_k_is_reached()
    {
        // 6 samples, initialClusters 6 (every sample alone), η = 0.5, period 2 epochs, K = 2:
        // epoch 2: 6 → 3; epoch 4: 3 → max(2, 3 − 2) = 2; then one more period (epochs 5, 6) and stop.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Points(), clusters: 2);
        var updater = new AgglomerativeMergeUpdater(new AgglomerativeMergeUpdater.Options { InitialClusters = 6, Eta = 0.5, PeriodEpochs = 2 });
        updater.OnPhaseStart(run);
        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments)!.Distinct().Count(), Is.EqualTo(6));

        var counts = new List<int>();
        var outcomes = new List<UpdateOutcome>();
        for (var epoch = 0; epoch < 6; epoch++)
        {
            run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: epoch * 10 + 9);
            outcomes.Add(updater.OnEpochEnd(run));
            counts.Add(run.State.Get(ClusterStateKeys.HardAssignments)!.Distinct().Count());
        }

        Assert.That(counts, Is.EqualTo(new[] { 6, 3, 3, 2, 2, 2 }));
        Assert.That(outcomes.Take(5), Is.All.EqualTo(UpdateOutcome.Continue));
        Assert.That(outcomes[5], Is.EqualTo(UpdateOutcome.StopPhase));
        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 1 }));
    }
}
