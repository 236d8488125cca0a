using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Schedules;

/// <summary>Options of the pre-train-then-cluster schedules.</summary>
public class TwoPhaseScheduleOptions : BlockOptions
{
    [Description("Epochs of pre-training with the non-clustering loss alone (0 skips it, e.g. with saved weights).")]
    [Range(0, 100_000)]
    public int PretrainEpochs { get; set; } = 100;

    [Description("Epochs of the clustering phase (an updater may stop it earlier).")]
    [Range(0, 100_000)]
    public int ClusteringEpochs { get; set; } = 150;
}

/// <summary>
/// Pre-training with the non-clustering loss, then a clustering phase. The two schedules below differ only in
/// whether the non-clustering loss stays on in the second phase: the taxonomy's "pre-training, fine-tuning"
/// versus "joint training".
/// </summary>
public abstract class TwoPhaseSchedule(TwoPhaseScheduleOptions options, double nonClusteringFactorWhenClustering)
    : ILossSchedule
{
    public IReadOnlyList<Phase> Phases { get; } = PhasesOf(options);

    public LossWeights WeightsAt(TrainingProgress progress) => Factors(progress.Phase);

    public void CheckComposition(Composition composition) => ScheduleRules.Check(this, composition, Factors);

    private LossWeights Factors(Phase phase) =>
        phase.Kind == PhaseKind.Pretraining ? new(1, 0) : new(nonClusteringFactorWhenClustering, 1);

    /// <summary>The "pretrain" and "clustering" phases every pre-train-then-cluster schedule has.</summary>
    internal static IReadOnlyList<Phase> PhasesOf(TwoPhaseScheduleOptions options) =>
    [
        new("pretrain", PhaseKind.Pretraining, options.PretrainEpochs, "pretrain"),
        new("clustering", PhaseKind.Clustering, options.ClusteringEpochs, "clustering"),
    ];
}

/// <summary>DEC: the decoder is dropped after pre-training; only the clustering loss fine-tunes the encoder.</summary>
[Block("pretrain-then-finetune", Summary = "Pre-train with the non-clustering loss, then train with the clustering loss alone (DEC).")]
public sealed class PretrainThenFinetuneSchedule(TwoPhaseScheduleOptions options) : TwoPhaseSchedule(options, 0);

/// <summary>IDEC, DCN, the case study: the non-clustering loss stays on, weighted, while clustering.</summary>
[Block("pretrain-then-joint", Summary = "Pre-train with the non-clustering loss, then train both losses jointly (IDEC, DCN).")]
public sealed class PretrainThenJointSchedule(TwoPhaseScheduleOptions options) : TwoPhaseSchedule(options, 1);
