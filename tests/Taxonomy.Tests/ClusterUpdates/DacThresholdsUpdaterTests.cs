using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusterUpdates;

[TestFixture]
public sealed class DacThresholdsUpdaterTests
{
    [Test]
    public void The_thresholds_close_in_every_epoch_and_the_phase_stops_when_they_meet()
    {
        // u = 0.95 − 0.1·t, l = 0.455 + 0.01·t: the gap 0.495 − 0.11·t is 0.055 after epoch 4 and −0.055 after epoch 5.
        using var run = new FakeRunContext(zeros(1, 1), clusters: 2);
        var updater = new DacThresholdsUpdater(new DacThresholdsUpdater.Options { UpperStep = 0.1, LowerStep = 0.01 });
        updater.OnPhaseStart(run);
        Assert.That(run.State.Get(DacThresholdsUpdater.Thresholds), Is.EqualTo(new PairThresholds(0.95, 0.455)));

        var outcomes = new List<UpdateOutcome>();
        for (var epoch = 0; epoch < 5; epoch++)
        {
            run.Progress = FakeRunContext.At(PhaseKind.Clustering, iteration: epoch * 10 + 9);
            outcomes.Add(updater.OnEpochEnd(run));
        }

        Assert.That(outcomes, Is.EqualTo(Enumerable.Repeat(UpdateOutcome.Continue, 4).Append(UpdateOutcome.StopPhase)));
        var (upper, lower) = run.State.Get(DacThresholdsUpdater.Thresholds)!;
        Assert.That(upper, Is.EqualTo(0.45).Within(1e-12));
        Assert.That(lower, Is.EqualTo(0.505).Within(1e-12));
        Assert.That(run.Messages.Single(), Does.Contain("pair thresholds met"));
    }

    [Test]
    public void Nothing_happens_outside_a_clustering_phase()
    {
        using var run = new FakeRunContext(zeros(1, 1), clusters: 2) { Progress = FakeRunContext.At(PhaseKind.Pretraining, 0) };
        var updater = new DacThresholdsUpdater(new DacThresholdsUpdater.Options());
        updater.OnPhaseStart(run);
        Assert.That(run.State.Get(DacThresholdsUpdater.Thresholds), Is.Null);
        Assert.That(updater.OnEpochEnd(run), Is.EqualTo(UpdateOutcome.Continue));
    }

    [Test]
    public void A_lower_threshold_above_the_upper_is_rejected_naming_the_field()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusterUpdater"] = new JsonObject { ["type"] = "dac-thresholds", ["upper"] = 0.4, ["lower"] = 0.5 };
        Assert.That(Manifests.LoadError(manifest), Does.Contain("clusterUpdater.lower: must be below upper (0.4); got 0.5"));
    }
}
