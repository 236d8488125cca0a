using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.ClusterUpdates;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// DeepECT's clustering loss (Mautz et al. 2019, Sec. III-C), L_NC + L_DC, each sample of the batch at its nearest
/// leaf. Node centre: L_NC = (1/|leaves|) Σ ‖μ_l − sg(mean of the batch's samples at leaf l)‖ over the leaves the
/// batch reaches; only the leaf centres (the updater's parameter) get its gradient. Data compression: for every node N
/// but the root, with sibling S and direction p = sg((μ_N − μ_S)/‖μ_N − μ_S‖), the samples below N are pulled
/// towards N's centre along p: L_DC = Σ_N Σ_{z below N} |(sg(μ_N) − z)·p| / (nodes · batch); only the embedding gets
/// its gradient. The paper's recipe adds the autoencoder's reconstruction as the non-clustering loss.
/// </summary>
[Block("deepect", Summary = "DeepECT's loss: node-centre loss moving the leaf centres to their batch means, plus the projection |(μ_N − z)·p| towards each node's centre along the direction to its sibling.")]
public sealed class DeepEctLoss(LossOptions options) : IClusteringLoss
{
    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [DeepEctTreeUpdater.Tree, DeepEctTreeUpdater.LeafCentres];

    public torch.Tensor Compute(StepInput step)
    {
        var state = step.Run.State;
        var tree = state.Require(DeepEctTreeUpdater.Tree, "deepect loss");
        var parameter = state.Require(DeepEctTreeUpdater.LeafCentres, "deepect loss");
        var features = step.Features;
        var leaves = tree.Leaves;
        var slots = torch.tensor(leaves.Select(l => (long)l.Slot).ToArray());
        var leafCentres = parameter.index_select(0, slots).to(features.dtype);
        var nearest = KMeans.AssignNearest(features.detach(), leafCentres.detach());
        return NodeCentre(leafCentres, features.detach(), nearest).add(DataCompression(tree, features, nearest));
    }

    /// <summary>L_NC: the mean over all leaves of each reached leaf's distance to its batch mean (the mean held fixed).</summary>
    public static torch.Tensor NodeCentre(torch.Tensor leafCentres, torch.Tensor features, torch.Tensor nearest)
    {
        var leaves = leafCentres.shape[0];
        var sums = torch.zeros_like(leafCentres).index_add_(0, nearest, features, 1);
        var counts = nearest.bincount(null, leaves);
        var reached = counts.gt(0).nonzero().squeeze(1);
        var means = sums.index_select(0, reached).div(counts.index_select(0, reached).unsqueeze(1).to(sums.dtype));
        return leafCentres.index_select(0, reached).sub(means).norm(1).sum().div(leaves);
    }

    /// <summary>L_DC over every node but the root, with the samples given by their leaf index (<paramref name="nearest"/>).</summary>
    public static torch.Tensor DataCompression(EmbeddedClusterTree tree, torch.Tensor features, torch.Tensor nearest)
    {
        var nodes = tree.Nodes.Skip(1).ToList();
        if (nodes.Count == 0)
        {
            return torch.zeros([], features.dtype);
        }
        var centres = tree.CentresOf(nodes).to(features.dtype);                                   // [m, d]
        var siblings = tree.CentresOf(nodes.Select(n => n.Sibling!).ToList()).to(features.dtype); // [m, d]
        var difference = centres.sub(siblings);
        // Coinciding siblings have no direction: their term is 0 rather than 0/0.
        var directions = difference.div(difference.norm(1, keepdim: true).clamp_min(1e-12));
        var below = tree.Membership(nodes).index_select(1, nearest);                               // [m, b]
        var projected = centres.mul(directions).sum(1, true).sub(directions.matmul(features.t())); // [m, b]
        return projected.abs().mul(below.to(features.dtype)).sum().div(nodes.Count * features.shape[0]);
    }
}
