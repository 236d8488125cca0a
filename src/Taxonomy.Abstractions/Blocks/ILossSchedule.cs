using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "combining losses": the phases of training (pre-train, fine-tune, joint, ...) and the
/// factor each loss gets at every step. A factor of 0 means the loss is not computed at all.
/// </summary>
public interface ILossSchedule : IBlock
{
    IReadOnlyList<Phase> Phases { get; }

    LossWeights WeightsAt(TrainingProgress progress);
}
