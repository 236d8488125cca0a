using TorchSharp;

namespace Taxonomy.Blocks.Clustering;

/// <summary>The mean of each cluster's rows, the centre most blocks keep or start from.</summary>
public static class ClusterMeans
{
    /// <summary>The mean [k, d] of the rows of each cluster (an empty cluster's is 0), in the features' dtype.</summary>
    public static torch.Tensor Of(torch.Tensor features, int[] labels, int clusters)
    {
        var members = torch.nn.functional.one_hot(torch.tensor(labels, torch.int64), clusters).to(features.dtype);  // [n, k]
        return members.t().mm(features) / members.sum([0]).clamp_min(1).unsqueeze(1);
    }
}
