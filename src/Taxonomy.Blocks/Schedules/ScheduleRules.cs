using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Schedules;

/// <summary>Composition rules every schedule shares: each phase must have a loss to train.</summary>
internal static class ScheduleRules
{
    public static void Check(ILossSchedule schedule, Composition composition, Func<Phase, LossWeights> factors)
    {
        foreach (var phase in schedule.Phases.Where(p => p.Epochs > 0))
        {
            var w = factors(phase);
            var trainsSomething = (w.NonClustering > 0 && composition.NonClusteringLoss.Contributes)
                || (w.Clustering > 0 && composition.ClusteringLoss.Contributes);
            composition.Require(schedule, trainsSomething,
                $"phase '{phase.Name}' has no loss to train: nonClusteringLoss and clusteringLoss are both " +
                "'none' or weighted 0 in it");
            if (phase.Kind == PhaseKind.Clustering)
            {
                composition.Require(schedule, composition.ClusteringLoss.Contributes,
                    $"phase '{phase.Name}' trains with the clustering loss, but clusteringLoss is 'none'; " +
                    "use the 'pretrain' schedule for methods without a clustering loss");
            }
        }
    }
}
