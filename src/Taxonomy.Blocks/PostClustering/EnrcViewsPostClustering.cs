using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Blocks.Subspaces;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// ENRC's and ACeDeC's result: one partition per view, each sample in its β-weighted nearest centroid of that view in
/// the rotated embedding zV. The rule reads only the saved V, β and centroids, so new data is assigned the same way.
/// The first view is the primary partition; ACeDeC's second (noise) view has a single cluster.
/// </summary>
[Block("enrc-views", Summary = "One partition per ENRC view: β-weighted nearest centroid of the rotated embedding (inductive).")]
public sealed class EnrcViewsPostClustering : IPostClustering
{
    public IReadOnlyCollection<StateKey> Requires =>
        [EnrcUpdater.Rotation, EnrcUpdater.BetaLogits, EnrcUpdater.Centroids, EnrcUpdater.ViewClusters];

    public ClusteringResult Cluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var state = run.State;
        var clusters = state.Require(EnrcUpdater.ViewClusters, "enrc-views");
        var rotated = run.FeaturesOfAll().mm(state.Require(EnrcUpdater.Rotation, "enrc-views").detach());
        var betas = SubspaceViews.Betas(state.Require(EnrcUpdater.BetaLogits, "enrc-views").detach());
        var labels = SubspaceViews.Assign(rotated, state.Require(EnrcUpdater.Centroids, "enrc-views"), betas, clusters);
        var views = labels.Select((l, v) => new Partition(l.to(torch.int32).data<int>().ToArray(), clusters[v])).ToList();
        return new Partitions(views);
    }
}
