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

    /// <summary>Log-variances and log-weights of a Gaussian mixture whose means are the centroids (VaDE).</summary>
    Mixture = 16,
}
