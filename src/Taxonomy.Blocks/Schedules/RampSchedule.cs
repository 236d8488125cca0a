using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Schedules;

/// <summary>
/// The taxonomy's "variable schedule" of the loss weights: pre-training with the non-clustering loss alone, then a
/// clustering phase in which the clustering factor rises linearly from clusteringStart to clusteringEnd over the
/// first rampFraction of the phase and then stays, while the non-clustering factor moves (e.g. falls) the same way
/// from nonClusteringStart to nonClusteringEnd.
/// </summary>
[Block("ramp", Summary = "Pre-train, then cluster with the clustering factor ramping up (and optionally the non-clustering factor down).")]
public sealed class RampSchedule(RampSchedule.Options options) : ILossSchedule
{
    public sealed class Options : TwoPhaseScheduleOptions
    {
        [Description("Clustering factor at the start of the clustering phase.")]
        [Range(0.0, 1e6)]
        public double ClusteringStart { get; set; }

        [Description("Clustering factor at the end of the ramp and after it.")]
        [Range(0.0, 1e6)]
        public double ClusteringEnd { get; set; } = 1.0;

        [Description("Non-clustering factor at the start of the clustering phase.")]
        [Range(0.0, 1e6)]
        public double NonClusteringStart { get; set; } = 1.0;

        [Description("Non-clustering factor at the end of the ramp and after it (equal to the start: constant; 0: fades out).")]
        [Range(0.0, 1e6)]
        public double NonClusteringEnd { get; set; } = 1.0;

        [Description("Length of the ramp as a fraction of the clustering phase (0: the end factors from the first step).")]
        [Range(0.0, 1.0)]
        public double RampFraction { get; set; } = 0.5;
    }

    public IReadOnlyList<Phase> Phases { get; } = TwoPhaseSchedule.PhasesOf(options);

    public LossWeights WeightsAt(TrainingProgress progress)
    {
        if (progress.Phase.Kind == PhaseKind.Pretraining)
        {
            return new(1, 0);
        }
        var t = options.RampFraction <= 0 ? 1.0 : Math.Min(1.0, progress.Fraction / options.RampFraction);
        return new(Between(options.NonClusteringStart, options.NonClusteringEnd, t),
                   Between(options.ClusteringStart, options.ClusteringEnd, t));
    }

    /// <summary>A phase trains a loss if its factor is positive anywhere on the ramp, i.e. at either end.</summary>
    public void CheckComposition(Composition composition)
    {
        ScheduleRules.Check(this, composition, phase => phase.Kind == PhaseKind.Pretraining
            ? new LossWeights(1, 0)
            : new LossWeights(Math.Max(options.NonClusteringStart, options.NonClusteringEnd),
                              Math.Max(options.ClusteringStart, options.ClusteringEnd)));
        composition.Require(this, options.ClusteringEpochs == 0 || Math.Max(options.ClusteringStart, options.ClusteringEnd) > 0,
            "schedule.clusteringStart and schedule.clusteringEnd are both 0, so the clustering phase never trains the clustering loss");
    }

    private static double Between(double start, double end, double t) => start + (end - start) * t;
}
