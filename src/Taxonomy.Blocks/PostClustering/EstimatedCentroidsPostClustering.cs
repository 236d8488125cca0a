using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// No re-clustering, for methods that estimate k: each sample takes its nearest centroid of the cluster state, and k is
/// the number of centroids the updater left (DipDECK's surviving centres), not the run's k. The rule is inductive, so
/// new data is assigned the same way.
/// </summary>
[Block("estimated-centroids", Summary = "Nearest of the centroids the updater left; k is their number (methods that estimate k, e.g. DipDECK).")]
public sealed class EstimatedCentroidsPostClustering : IPostClustering
{
    public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.Centroids];

    public bool EstimatesClusters => true;

    public ClusteringResult Cluster(IRunContext run) => NearestCentroid.Of(run, "estimated-centroids");
}
