using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static Taxonomy.Tests.ClusteringLosses.StudentTTests;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class TargetDistributionUpdaterTests
{
    /// <summary>Ten points on a line, five near 0 and five near 10: clusters {0..4} and {5..9}.</summary>
    private static Tensor Line() => tensor(new float[] { 0, 0.5f, 1, 1.5f, 2, 8, 8.5f, 9, 9.5f, 10 }).unsqueeze(1);

    private static TargetDistributionUpdater Updater(double tolerance, int every = 5) => new(new TargetDistributionUpdater.Options
    {
        Restarts = 2, EveryIterations = every, Tolerance = tolerance,
    });

    private static UpdateOutcome BatchStart(TargetDistributionUpdater updater, FakeRunContext run, long iteration)
    {
        run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration);
        return updater.OnBatchStart(run, new Batch(zeros(1, 1), zeros(1, ScalarType.Int64)));
    }

    /// <summary>Moves point <paramref name="index"/> to <paramref name="x"/> in the features "all data" embeds to.</summary>
    private static void Move(FakeRunContext run, int index, float x)
    {
        var features = run.Features.clone();
        features[index, 0] = tensor(x);
        run.Features = features;
    }

    [Test]
    public void The_first_refresh_sets_p_and_the_hard_assignments_from_q_over_all_data()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2);
        var updater = Updater(tolerance: 1.0);
        updater.OnPhaseStart(run);

        Assert.That(BatchStart(updater, run, 0), Is.EqualTo(UpdateOutcome.Continue), "the first refresh never stops");

        var q = StudentT.SoftAssignment(Line(), run.State.Get(ClusterStateKeys.Centroids)!.detach(), 1);
        Assert.That(Flat(run.State.Get(TargetDistributionUpdater.Target)!), Is.EqualTo(Flat(StudentT.TargetDistribution(q))).Within(1e-6));
        Assert.That(run.State.Get(ClusterStateKeys.HardAssignments), Is.EqualTo(q.argmax(1).to(ScalarType.Int32).data<int>().ToArray()));
        Assert.That(run.State.Trainable(ClusterStateKeys.Centroids), Is.Not.Null, "DEC's centroids are trainable by default");
    }

    [Test]
    public void The_target_is_refreshed_only_every_t_iterations()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2);
        var updater = Updater(tolerance: 0, every: 5);
        updater.OnPhaseStart(run);
        BatchStart(updater, run, 0);
        var first = run.State.Get(TargetDistributionUpdater.Target);

        for (var iteration = 1; iteration < 5; iteration++)
        {
            Move(run, 4, 7);
            BatchStart(updater, run, iteration);
            Assert.That(run.State.Get(TargetDistributionUpdater.Target), Is.SameAs(first), $"iteration {iteration}");
        }
        BatchStart(updater, run, 5);
        Assert.That(run.State.Get(TargetDistributionUpdater.Target), Is.Not.SameAs(first));
    }

    [Test]
    public void With_every_epochs_the_target_is_refreshed_at_the_start_of_every_nth_epoch()
    {
        // FakeRunContext has 10 batches per epoch: every 2 epochs means before iterations 0, 20, 40...
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2);
        var updater = new TargetDistributionUpdater(new TargetDistributionUpdater.Options { Restarts = 2, EveryEpochs = 2, Tolerance = 0 });
        updater.OnPhaseStart(run);

        var refreshedAt = new List<long>();
        for (var iteration = 0L; iteration < 45; iteration++)
        {
            var before = run.State.Get(TargetDistributionUpdater.Target);
            BatchStart(updater, run, iteration);
            if (!ReferenceEquals(before, run.State.Get(TargetDistributionUpdater.Target)))
            {
                refreshedAt.Add(iteration);
            }
        }
        Assert.That(refreshedAt, Is.EqualTo(new long[] { 0, 20, 40 }));
    }

    [Test]
    public void Every_iterations_and_every_epochs_together_are_rejected()
    {
        var options = new TargetDistributionUpdater.Options { EveryIterations = 140, EveryEpochs = 1 };
        Assert.That(options.Validate(), Is.EqualTo(new[] { ("everyEpochs", "give everyIterations or everyEpochs, not both") }));
    }

    [Test]
    public void The_phase_stops_when_fewer_than_tolerance_labels_change_and_not_before()
    {
        // Tolerance 0.15 on 10 points: 2 changes (20%) go on, 1 change (10%) stops.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2);
        var updater = Updater(tolerance: 0.15);
        updater.OnPhaseStart(run);
        Assert.That(BatchStart(updater, run, 0), Is.EqualTo(UpdateOutcome.Continue));

        Move(run, 3, 8.2f);
        Move(run, 4, 8.3f);
        Assert.That(BatchStart(updater, run, 5), Is.EqualTo(UpdateOutcome.Continue), "2 of 10 labels changed");

        Move(run, 2, 8.1f);
        Assert.That(BatchStart(updater, run, 10), Is.EqualTo(UpdateOutcome.StopPhase), "1 of 10 labels changed");
    }

    [Test]
    public void A_change_equal_to_the_tolerance_does_not_stop()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2);
        var updater = Updater(tolerance: 0.1);
        updater.OnPhaseStart(run);
        BatchStart(updater, run, 0);

        Move(run, 4, 8.3f);
        Assert.That(BatchStart(updater, run, 5), Is.EqualTo(UpdateOutcome.Continue), "10% changed is not below 10%");
        Assert.That(BatchStart(updater, run, 10), Is.EqualTo(UpdateOutcome.StopPhase), "nothing changed");
    }

    [Test]
    public void A_new_clustering_phase_starts_without_a_previous_refresh()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2);
        var updater = Updater(tolerance: 1.0);
        updater.OnPhaseStart(run);
        BatchStart(updater, run, 0);

        updater.OnPhaseStart(run);
        Assert.That(BatchStart(updater, run, 0), Is.EqualTo(UpdateOutcome.Continue));
        Assert.That(BatchStart(updater, run, 5), Is.EqualTo(UpdateOutcome.StopPhase));
    }

    [Test]
    public void Nothing_happens_in_a_pretraining_phase()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Line(), clusters: 2) { Progress = FakeRunContext.At(PhaseKind.Pretraining, 0) };
        var updater = Updater(tolerance: 1.0);
        updater.OnPhaseStart(run);

        Assert.That(updater.OnBatchStart(run, new Batch(zeros(1, 1), zeros(1, ScalarType.Int64))), Is.EqualTo(UpdateOutcome.Continue));
        Assert.That(run.State.Get(TargetDistributionUpdater.Target), Is.Null);
        Assert.That(run.State.Get(ClusterStateKeys.Centroids), Is.Null);
    }
}
