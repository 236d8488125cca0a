using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// Hierarchical (agglomerative) clustering of the final clustering features, cut at k clusters: Ward (scikit-learn's
/// default), average, complete or single linkage on Euclidean distances. It needs an m × m matrix, so above
/// <see cref="Options.ExactUpTo"/> samples the features are first summarised by k-means into
/// <see cref="Options.MicroClusters"/> weighted micro-clusters and the hierarchy is built over those (exact for Ward's
/// objective on the summary, an approximation of the full dendrogram); each sample takes its micro-cluster's cluster.
/// </summary>
[Block("agglomerative", Summary = "Hierarchical clustering of the final features cut at k (ward, average, complete or single linkage); k-means micro-clusters above exactUpTo samples.")]
public sealed class AgglomerativePostClustering(AgglomerativePostClustering.Options options) : IPostClustering
{
    public sealed class Options : BlockOptions
    {
        [Description("ward (merge the pair that least increases the within-cluster sum of squares), average, complete or single.")]
        public Linkage Linkage { get; set; } = Linkage.Ward;

        [Description("Largest number of samples clustered exactly (an m × m float64 matrix: 5,000 samples take 200 MB); above it, k-means micro-clusters are clustered instead.")]
        [Range(2, 20_000)]
        public int ExactUpTo { get; set; } = 5000;

        [Description("Number of k-means micro-clusters summarising the data above exactUpTo samples.")]
        [Range(2, 20_000)]
        public int MicroClusters { get; set; } = 2000;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (MicroClusters > ExactUpTo)
            {
                yield return ("microClusters", $"{MicroClusters} micro-clusters is more than exactUpTo ({ExactUpTo}); use at most exactUpTo");
            }
        }
    }

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids];

    /// <summary>The hierarchy cut at k over the training data; the clusters' means are kept for <see cref="Predict"/>.</summary>
    public ClusteringResult Cluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var (labels, how) = Agglomerative.ClusterFeatures(features, run.Clusters, options.Linkage,
            options.ExactUpTo, options.MicroClusters, run.KMeans, run.Random.Torch);
        run.State.Set(ClusterStateKeys.Centroids, ClusterMeans.Of(features, labels, run.Clusters));
        run.Log($"agglomerative: {how}");
        return new Partition(labels, run.Clusters);
    }

    /// <summary>
    /// New data cannot join the hierarchy of the training data: each sample takes the cluster of its nearest final
    /// cluster mean, an inductive rule that may disagree with the transductive cut for samples near a boundary.
    /// </summary>
    public ClusteringResult Predict(IRunContext run) => NearestCentroid.Of(run, "agglomerative");
}
