using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Schedules;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Schedules;

[TestFixture]
public sealed class RampScheduleTests
{
    private static TrainingProgress Clustering(double fraction) =>
        FakeRunContext.At(PhaseKind.Clustering, (long)Math.Round(fraction * 100));   // 100 iterations per phase

    private static RampSchedule Ramp(double rampFraction = 0.5) => new(new RampSchedule.Options
    {
        ClusteringStart = 0.2, ClusteringEnd = 1.0, NonClusteringStart = 1.0, NonClusteringEnd = 0.0, RampFraction = rampFraction,
    });

    [Test]
    public void Pretraining_trains_the_non_clustering_loss_alone()
    {
        Assert.That(Ramp().WeightsAt(FakeRunContext.At(PhaseKind.Pretraining, 3)), Is.EqualTo(new LossWeights(1, 0)));
    }

    [Test]
    public void The_factors_move_linearly_over_the_ramp_and_then_stay()
    {
        var ramp = Ramp(rampFraction: 0.5);
        Assert.That(ramp.WeightsAt(Clustering(0)), Is.EqualTo(new LossWeights(1.0, 0.2)));
        var quarter = ramp.WeightsAt(Clustering(0.25));   // halfway through the ramp
        Assert.That(quarter.NonClustering, Is.EqualTo(0.5).Within(1e-12));
        Assert.That(quarter.Clustering, Is.EqualTo(0.6).Within(1e-12));
        Assert.That(ramp.WeightsAt(Clustering(0.5)), Is.EqualTo(new LossWeights(0.0, 1.0)));
        Assert.That(ramp.WeightsAt(Clustering(0.9)), Is.EqualTo(new LossWeights(0.0, 1.0)));
    }

    [Test]
    public void A_ramp_of_length_zero_starts_at_the_end_factors()
    {
        Assert.That(Ramp(rampFraction: 0).WeightsAt(Clustering(0)), Is.EqualTo(new LossWeights(0.0, 1.0)));
    }

    [Test]
    public void The_phases_are_pretrain_and_clustering_with_their_optimiser_keys()
    {
        var phases = new RampSchedule(new RampSchedule.Options { PretrainEpochs = 7, ClusteringEpochs = 9 }).Phases;
        Assert.That(phases.Select(p => (p.Name, p.Kind, p.Epochs, p.OptimizerKey)), Is.EqualTo(new[]
        {
            ("pretrain", PhaseKind.Pretraining, 7, "pretrain"),
            ("clustering", PhaseKind.Clustering, 9, "clustering"),
        }));
    }

    [Test]
    public void A_ramp_whose_clustering_factor_stays_zero_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "kmeans" };
        manifest["clusterUpdater"] = new JsonObject { ["type"] = "dcn-alternating" };
        manifest["schedule"] = new JsonObject { ["type"] = "ramp", ["clusteringStart"] = 0, ["clusteringEnd"] = 0 };
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "schedule ('ramp'): schedule.clusteringStart and schedule.clusteringEnd are both 0, so the clustering phase " +
            "never trains the clustering loss"));
    }
}
