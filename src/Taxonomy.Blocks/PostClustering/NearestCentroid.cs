using TorchSharp;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>Each sample's nearest centroid of the cluster state: the inductive rule of the blocks that fit centroids.</summary>
internal static class NearestCentroid
{
    public static Partition Of(IRunContext run, string block)
    {
        using var scope = torch.NewDisposeScope();
        var centroids = run.State.Require(ClusterStateKeys.Centroids, block);
        var labels = KMeans.AssignNearest(run.FeaturesOfAll(), centroids).to(torch.int32).data<int>().ToArray();
        return new Partition(labels, (int)centroids.shape[0]);
    }
}
