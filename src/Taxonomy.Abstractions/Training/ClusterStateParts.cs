namespace Taxonomy.Abstractions.Training;

/// <summary>Parts of the <see cref="ClusterState"/> a loss may need and an updater may provide.</summary>
[Flags]
public enum ClusterStateParts
{
    None = 0,
    Centroids = 1,
    HardAssignments = 2,
    TargetDistribution = 4,
    PairThresholds = 8,
}
