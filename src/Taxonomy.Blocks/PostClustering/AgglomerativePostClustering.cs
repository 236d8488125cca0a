using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
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

    public int[] Assign(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll().to(torch.float64);
        var n = (int)features.shape[0];
        if (n <= options.ExactUpTo)
        {
            return Agglomerative.Cluster(Rows(features), Enumerable.Repeat(1.0, n).ToArray(), run.Clusters, options.Linkage);
        }
        var micro = Math.Max(options.MicroClusters, run.Clusters);
        using var summary = run.KMeans.Fit(features.to(torch.float32), micro, new KMeansSettings { Restarts = 1 }, run.Random.Torch);
        var sizes = new double[micro];
        foreach (var label in summary.Labels)
        {
            sizes[label]++;
        }
        var used = Enumerable.Range(0, micro).Where(c => sizes[c] > 0).ToArray();   // k-means may leave a micro-cluster empty
        var centroids = Rows(summary.Centroids.to(torch.float64));
        var groups = Agglomerative.Cluster(used.Select(c => centroids[c]).ToArray(), used.Select(c => sizes[c]).ToArray(),
            run.Clusters, options.Linkage);
        var groupOf = new int[micro];
        for (var i = 0; i < used.Length; i++)
        {
            groupOf[used[i]] = groups[i];
        }
        run.Log($"agglomerative: {n} samples summarised by {used.Length} k-means micro-clusters, {options.Linkage} linkage over those");
        return summary.Labels.Select(label => groupOf[label]).ToArray();
    }

    private static double[][] Rows(torch.Tensor matrix)
    {
        var (rows, columns) = ((int)matrix.shape[0], (int)matrix.shape[1]);
        var flat = matrix.contiguous().data<double>().ToArray();
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
    }
}
