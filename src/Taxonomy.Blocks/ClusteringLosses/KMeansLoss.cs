using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// The k-means loss of DCN (Yang et al. 2017, eq. 5): ½‖z_i − μ_{s_i}‖², mean over the batch, where s_i is the
/// sample's hard assignment in the cluster state. Centroids and assignments are fixed within the step (the
/// centroids are detached): they change only in the updater, alternatingly. The ½ is the paper's: its objective
/// is reconstruction + λ/2 ‖f(x) − M s‖², so this loss's weight is the paper's λ (and ClustPy's clustering weight,
/// which also multiplies by 0.5).
/// </summary>
[Block("kmeans", Summary = "DCN's k-means loss: ½‖z − μ_s‖² to the sample's assigned centroid (fixed within the step).")]
public sealed class KMeansLoss(LossOptions options) : IClusteringLoss
{
    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.Centroids, ClusterStateKeys.HardAssignments];

    public torch.Tensor Compute(StepInput step)
    {
        var state = step.Run.State;
        var centroids = state.Require(ClusterStateKeys.Centroids, "kmeans loss");
        var hard = state.Require(ClusterStateKeys.HardAssignments, "kmeans loss");
        var assigned = BatchClusters(step, hard);
        var own = centroids.detach().index_select(0, assigned);
        return step.Features.sub(own).square().sum(1).mean().mul(0.5);
    }

    /// <summary>The hard cluster of each sample of the batch, as an int64 tensor (also the pseudo-labels of CCNN).</summary>
    internal static torch.Tensor BatchClusters(StepInput step, int[] hard)
    {
        var rows = step.Batch.Indices.to(torch.int64).data<long>().ToArray();
        return torch.tensor(Array.ConvertAll(rows, row => (long)hard[row]));
    }
}
