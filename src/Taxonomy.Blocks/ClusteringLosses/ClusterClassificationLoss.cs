using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// Cluster classification (CCNN, Hsu and Lin 2018; also DeepCluster's): the branch's K-way head is trained with
/// cross-entropy to predict each sample's current hard cluster assignment from the cluster state, which an updater
/// keeps from k-means on the features (e.g. 'dcn-alternating', mini-batch k-means). Mean over the batch. Balanced
/// (the default), each cluster's samples weigh n / (K·n_k), as if clusters were sampled uniformly (DeepCluster's remedy):
/// unweighted, the largest cluster wins every sample and the head collapses to one cluster.
/// </summary>
[Block("cluster-classification", Summary = "Cross-entropy of the branch's logits against each sample's current hard cluster (k-means pseudo-labels; CCNN).")]
public sealed class ClusterClassificationLoss(ClusterClassificationLoss.Options options) : IClusteringLoss
{
    public sealed class Options : LossOptions
    {
        [Description("Weigh each cluster's samples by n / (K·n_k) from the current hard assignments, so that every cluster counts alike (DeepCluster's uniform sampling over clusters); false: plain cross-entropy.")]
        public bool Balanced { get; set; } = true;
    }

    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.HardAssignments];

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Logits];

    public torch.Tensor Compute(StepInput step)
    {
        var hard = step.Run.State.Get(ClusterStateKeys.HardAssignments)
            ?? throw new InvalidOperationException("cluster-classification: the cluster state has no hard assignments yet.");
        var targets = KMeansLoss.BatchClusters(step, hard);
        var logits = step.Outputs[Layers.Logits];
        return options.Balanced
            ? torch.nn.functional.cross_entropy(logits, targets, ClusterWeights(hard, step.Run.Clusters).to(logits.dtype))
            : torch.nn.functional.cross_entropy(logits, targets);
    }

    /// <summary>n / (K·n_k) per cluster; an empty cluster gets 0 (it has no samples to weigh).</summary>
    internal static torch.Tensor ClusterWeights(int[] hard, int clusters)
    {
        var counts = new double[clusters];
        foreach (var cluster in hard)
        {
            counts[cluster]++;
        }
        return torch.tensor(counts.Select(c => c == 0 ? 0.0 : hard.Length / (clusters * c)).ToArray());
    }
}
