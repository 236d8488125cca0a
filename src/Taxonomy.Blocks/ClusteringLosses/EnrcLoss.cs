using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Blocks.Subspaces;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// ENRC's clustering loss (Miklautz et al. 2020, eq. 3; ClustPy's enrc.py): for every view i, the mean over the batch
/// of the β-weighted squared distance Σ_d β_id (zV − μ_i,s)_d² to the sample's nearest centroid s of that view, summed
/// over the views and divided by their number. Gradients reach the network, the rotation V and the logits of β; the
/// centroids are fixed within the step (the updater moves them).
/// </summary>
[Block("enrc", Summary = "ENRC's loss: per view, β-weighted squared distance of the rotated embedding zV to its nearest centroid; mean over the views.")]
public sealed class EnrcLoss(LossOptions options) : IClusteringLoss
{
    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires =>
        [EnrcUpdater.Rotation, EnrcUpdater.BetaLogits, EnrcUpdater.Centroids, EnrcUpdater.ViewClusters];

    public torch.Tensor Compute(StepInput step)
    {
        var state = step.Run.State;
        var rotated = step.Features.mm(state.Require(EnrcUpdater.Rotation, "enrc loss"));
        var betas = SubspaceViews.Betas(state.Require(EnrcUpdater.BetaLogits, "enrc loss"));
        var centroids = state.Require(EnrcUpdater.Centroids, "enrc loss").detach();
        var clusters = state.Require(EnrcUpdater.ViewClusters, "enrc loss");
        torch.Tensor? total = null;
        for (var v = 0; v < clusters.Length; v++)
        {
            var (first, k) = SubspaceViews.Rows(clusters, v);
            var nearest = SubspaceViews.Distances(rotated, centroids.narrow(0, first, k), betas[v]).min(1).values.mean();
            total = total is null ? nearest : total.add(nearest);
        }
        return total!.div(clusters.Length);
    }
}
