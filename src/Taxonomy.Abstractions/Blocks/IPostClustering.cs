using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "re-clustering after training": turns the trained network and cluster state into the clustering
/// result (k-means on the features, argmax of a soft assignment, ...), and later assigns new data the same way.
/// </summary>
public interface IPostClustering : IBlock
{
    IReadOnlyList<string> RequiredLayers => [];

    /// <summary>State slots this block reads; the cluster updater must provide them.</summary>
    IReadOnlyCollection<StateKey> Requires => [];

    /// <summary>State slots this block writes (e.g. final centroids), saved with a model when persistent.</summary>
    IReadOnlyCollection<StateKey> Provides => [];

    /// <summary>
    /// Whether the result may have another number of clusters than the run asked for (a method that estimates k).
    /// Otherwise the host checks that the primary partition has exactly k clusters.
    /// </summary>
    bool EstimatesClusters => false;

    /// <summary>Clusters the training data (<see cref="IRunContext.Data"/>) after training.</summary>
    ClusteringResult Cluster(IRunContext run);

    /// <summary>
    /// Assigns the samples of <see cref="IRunContext.Data"/>, new data, from what <see cref="Cluster"/> left in the
    /// state (inductively: each sample on its own). The default clusters again, which is right for a block whose
    /// <see cref="Cluster"/> already is such a rule (argmax of a soft assignment); a block that fits something to the
    /// data (k-means, agglomerative) must keep it in a persistent state slot and override this.
    /// </summary>
    ClusteringResult Predict(IRunContext run) => Cluster(run);
}
