using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// JULE's surrogate agglomerative loss (Yang, Parikh, Batra, CVPR 2016, Eq. 10–11), a weighted triplet loss on the
/// current clusters: with s the cosine similarity of the L2-normalised clustering features, every anchor i, positive j
/// (same cluster, j ≠ i) and negative k (another cluster) of the batch costs max(0, margin − γ·s_ij + s_ik); the loss
/// is the mean over all such triplets. The clusters are the hard assignments of the cluster state, kept by the
/// 'agglomerative-merge' updater. JULE samples 20 negatives per positive pair; here every negative of the batch counts.
/// </summary>
[Block("agglomerative-triplet", Summary = "JULE's weighted triplet loss on the current agglomerative clusters: max(0, margin − γ·s(i,j) + s(i,k)).")]
public sealed class AgglomerativeTripletLoss(AgglomerativeTripletLoss.Options options) : IClusteringLoss
{
    public sealed class Options : LossOptions
    {
        [Description("Margin m of the triplet loss (JULE: 0.2).")]
        [Range(0.0, 10.0)]
        public double Margin { get; set; } = 0.2;

        [Description("γ: weight of the positive pair's similarity (JULE: 1).")]
        [Range(0.0, 100.0)]
        public double Gamma { get; set; } = 1.0;
    }

    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.HardAssignments];

    public torch.Tensor Compute(StepInput step)
    {
        var assignments = step.Run.State.Get(ClusterStateKeys.HardAssignments)
            ?? throw new InvalidOperationException("agglomerative-triplet: the cluster state has no hard assignments yet.");
        var indices = step.Batch.Indices.to(torch.int64).data<long>().ToArray();
        var labels = torch.tensor(indices.Select(i => (long)assignments[i]).ToArray());
        return Triplet(step.Features, labels, options.Margin, options.Gamma);
    }

    /// <summary>Mean of max(0, margin − γ·s_ij + s_ik) over all triplets (i, j, k) of the batch; 0 without any.</summary>
    public static torch.Tensor Triplet(torch.Tensor features, torch.Tensor labels, double margin, double gamma)
    {
        var f = torch.nn.functional.normalize(features, p: 2, dim: 1);
        var s = f.matmul(f.t());
        var n = s.shape[0];
        torch.Tensor valid;
        using (torch.no_grad())
        {
            var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
            var positive = same.logical_and(torch.eye(n, dtype: torch.@bool).logical_not());   // [i, j]
            var negative = same.logical_not();                                                   // [i, k]
            valid = positive.unsqueeze(2).logical_and(negative.unsqueeze(1));                    // [i, j, k]
        }
        var count = valid.sum().item<long>();
        if (count == 0)
        {
            return s.sum() * 0;
        }
        var cost = (margin - gamma * s.unsqueeze(2) + s.unsqueeze(1)).clamp_min(0);           // [i, j, k]
        return (cost * valid.to(cost.dtype)).sum() / count;
    }
}
