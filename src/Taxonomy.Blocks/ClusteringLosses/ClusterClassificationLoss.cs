using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// Cluster classification (CCNN, Hsu and Lin 2018; also DeepCluster's): the branch's K-way head is trained with
/// cross-entropy to predict each sample's current hard cluster assignment from the cluster state, which an updater
/// keeps from k-means on the features (e.g. 'dcn-alternating', mini-batch k-means). Mean over the batch.
/// </summary>
[Block("cluster-classification", Summary = "Cross-entropy of the branch's logits against each sample's current hard cluster (k-means pseudo-labels; CCNN).")]
public sealed class ClusterClassificationLoss(LossOptions options) : IClusteringLoss
{
    public double Weight => options.Weight;

    public ClusterStateParts Requires => ClusterStateParts.HardAssignments;

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Logits];

    public torch.Tensor Compute(StepInput step)
    {
        var hard = step.Run.State.HardAssignments
            ?? throw new InvalidOperationException("cluster-classification: the cluster state has no hard assignments yet.");
        var rows = step.Batch.Indices.to(torch.int64).data<long>().ToArray();
        var targets = torch.tensor(Array.ConvertAll(rows, row => (long)hard[row]));
        return torch.nn.functional.cross_entropy(step.Outputs[Layers.Logits], targets);
    }
}
