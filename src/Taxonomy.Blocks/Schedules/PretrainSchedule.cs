using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Schedules;

/// <summary>Only the non-clustering phase (AE + k-means, Neural Clustering, UGTAC): clusters come afterwards.</summary>
[Block("pretrain", Summary = "One phase: the non-clustering loss alone; no clustering phase.")]
public sealed class PretrainSchedule(PretrainSchedule.Options options) : ILossSchedule
{
    public sealed class Options : BlockOptions
    {
        [Description("Epochs of training with the non-clustering loss.")]
        [Range(0, 100_000)]
        public int Epochs { get; set; } = 100;
    }

    public IReadOnlyList<Phase> Phases { get; } = [new("pretrain", PhaseKind.Pretraining, options.Epochs, "pretrain")];

    public LossWeights WeightsAt(TrainingProgress progress) => new(1, 0);

    public void CheckComposition(Composition composition) =>
        ScheduleRules.Check(this, composition, _ => new LossWeights(1, 0));
}
