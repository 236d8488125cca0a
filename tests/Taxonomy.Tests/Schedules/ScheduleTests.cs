using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Schedules;

namespace Taxonomy.Tests.Schedules;

[TestFixture]
public sealed class ScheduleTests
{
    private static TrainingProgress At(Phase phase) => new()
    {
        Phase = phase, PhaseIndex = 0, Epoch = 0, BatchesPerEpoch = 1, Iteration = 0, GlobalIteration = 0,
    };

    [Test]
    public void Pretrain_has_one_phase_with_only_the_non_clustering_loss()
    {
        var schedule = new PretrainSchedule(new PretrainSchedule.Options { Epochs = 7 });
        var phase = schedule.Phases.Single();
        Assert.That((phase.Name, phase.Kind, phase.Epochs), Is.EqualTo(("pretrain", PhaseKind.Pretraining, 7)));
        Assert.That(schedule.WeightsAt(At(phase)), Is.EqualTo(new LossWeights(1, 0)));
    }

    [Test]
    public void Finetune_drops_the_non_clustering_loss_after_pretraining_and_joint_keeps_it()
    {
        var options = new TwoPhaseScheduleOptions { PretrainEpochs = 3, ClusteringEpochs = 4 };
        var finetune = new PretrainThenFinetuneSchedule(options);
        var joint = new PretrainThenJointSchedule(options);

        Assert.That(finetune.Phases.Select(p => (p.Name, p.Kind, p.Epochs)), Is.EqualTo(new[]
        {
            ("pretrain", PhaseKind.Pretraining, 3), ("clustering", PhaseKind.Clustering, 4),
        }));
        Assert.That(finetune.WeightsAt(At(finetune.Phases[0])), Is.EqualTo(new LossWeights(1, 0)));
        Assert.That(finetune.WeightsAt(At(finetune.Phases[1])), Is.EqualTo(new LossWeights(0, 1)));
        Assert.That(joint.WeightsAt(At(joint.Phases[1])), Is.EqualTo(new LossWeights(1, 1)));
    }

    [Test]
    public void Progress_fraction_runs_from_0_to_1_over_a_phase()
    {
        var phase = new Phase("clustering", PhaseKind.Clustering, 4, "clustering");
        var half = At(phase) with { BatchesPerEpoch = 10, Iteration = 20 };
        Assert.That(half.Fraction, Is.EqualTo(0.5));
    }
}
