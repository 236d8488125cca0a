using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "cluster updates": how centroids, assignments and targets change. Jointly (centroids
/// trainable, see <see cref="ClusterState.SetCopy"/>) or alternatingly (hooks below). Every hook has a
/// do-nothing default: implement the ones the method needs (at phase start, per batch, per epoch).
/// </summary>
public interface IClusterUpdater : IBlock
{
    /// <summary>State slots this updater keeps current; losses and the post-clustering may read them.</summary>
    IReadOnlyCollection<StateKey> Provides => [];

    /// <summary>
    /// The number of clusters this updater starts from when it estimates k itself (DipDECK's over-estimate), or null:
    /// it works with the run's k (the manifest's "clusters", else the labels counted). A run with a start of its own
    /// never reads the labels to choose k.
    /// </summary>
    int? InitialClusters => null;

    /// <summary>Before the first batch of a phase (e.g. k-means initialisation of the centroids).</summary>
    void OnPhaseStart(IRunContext run) { }

    /// <summary>Before a batch's forward pass (e.g. refresh the target distribution every T iterations).</summary>
    UpdateOutcome OnBatchStart(IRunContext run, Batch batch) => UpdateOutcome.Continue;

    /// <summary>After the optimiser step (e.g. DCN's re-assignment and incremental centroid update).</summary>
    void OnBatchEnd(IRunContext run, StepInput step) { }

    UpdateOutcome OnEpochEnd(IRunContext run) => UpdateOutcome.Continue;
}
