namespace Taxonomy.Abstractions.Training;

/// <summary>What a phase trains for: the non-clustering loss alone, or with the clustering loss.</summary>
public enum PhaseKind
{
    /// <summary>No cluster state is needed (e.g. autoencoder pre-training).</summary>
    Pretraining,

    /// <summary>The clustering loss and the cluster updater take part.</summary>
    Clustering,
}

/// <summary>
/// One phase of a schedule. <paramref name="OptimizerKey"/> selects per-phase optimiser overrides in the
/// manifest (e.g. a lower learning rate when clustering).
/// </summary>
public sealed record Phase(string Name, PhaseKind Kind, int Epochs, string OptimizerKey);

/// <summary>Factors the schedule applies to the losses' own weights at a step.</summary>
public readonly record struct LossWeights(double NonClustering, double Clustering);

/// <summary>Outcome of an updater hook: go on, or end the current phase (e.g. DEC's tolerance stop).</summary>
public enum UpdateOutcome
{
    Continue,
    StopPhase,
}
