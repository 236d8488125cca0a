using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// The tree DeepECT grew as the result: every sample goes to its nearest leaf centre (ClustPy's predict), and the
/// primary partition is the cut at the run's k, which keeps the k − 1 earliest splits (ClustPy's flat_clustering).
/// Prediction is the same rule on new data, read from the tree saved with the model. A tree with fewer leaves than
/// k (a short clustering phase, or pruning) fills only that many of the k clusters: the run reports it as degenerate.
/// </summary>
[Block("cluster-tree", Summary = "DeepECT's result: each sample at its nearest leaf of the grown tree; the hierarchy, cut at k (the k − 1 earliest splits).")]
public sealed class ClusterTreePostClustering : IPostClustering
{
    public IReadOnlyCollection<StateKey> Requires => [DeepEctTreeUpdater.Tree];

    public ClusteringResult Cluster(IRunContext run)
    {
        var result = (Hierarchy)Predict(run);
        if (result.Tree.Leaves.Count < run.Clusters)
        {
            run.Log($"cluster-tree: the tree has {result.Tree.Leaves.Count} leaves, fewer than k = {run.Clusters}: " +
                    "the cut has one cluster per leaf (a longer clustering phase or a shorter split interval grows more leaves)");
        }
        return result;
    }

    public ClusteringResult Predict(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var tree = run.State.Require(DeepEctTreeUpdater.Tree, "cluster-tree");
        var nearest = tree.NearestLeaf(run.FeaturesOfAll());
        var samples = nearest.bincount(null, tree.Leaves.Count).to(torch.int32).data<int>().ToArray();
        var (exported, leafIds) = tree.Export(samples);
        var leafOfSample = Array.ConvertAll(nearest.to(torch.int32).data<int>().ToArray(), l => leafIds[l]);
        return new Hierarchy(exported, leafOfSample, run.Clusters);
    }
}
