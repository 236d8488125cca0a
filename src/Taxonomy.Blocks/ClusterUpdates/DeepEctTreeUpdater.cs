using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// DeepECT's tree (Mautz, Plant, Böhm, ICDM 2019, Sec. III-B to III-D). At the start of the clustering phase the root,
/// the mean of the embedded data, is split by 2-means. Every T iterations, before the batch, the leaf with the
/// largest sum of squared distances to its centre over the whole embedded data set is split by 2-means on its own
/// samples, until the tree has the most leaves allowed. After every optimiser step: each node's weight follows the
/// batch's samples in its subtree (w ← ½w + ½n, the batch assigned to the nearest leaf as the loss assigned it), a
/// node whose weight falls below the threshold is removed with its subtree (its sibling takes the parent's place), and
/// every split node's centre becomes the weighted mean of its children's. Leaf centres are a parameter the optimiser
/// moves with the network (the loss's node-centre term); this updater only reads them back.
/// </summary>
[Block("deepect-tree", Summary = "DeepECT's cluster tree: 2-means root split, then the leaf with the largest squared error split every T iterations; per batch node weights, pruning and split-node centres.")]
public sealed class DeepEctTreeUpdater(DeepEctTreeUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : BlockOptions
    {
        [Description("The most leaves the tree grows to (paper and ClustPy: 20). The run's k cuts the tree afterwards, so it should be at least k.")]
        [Range(2, EmbeddedClusterTree.MaxCapacity)]
        public int MaxLeaves { get; set; } = 20;

        [Description("T: iterations of the clustering phase between two splits (paper and ClustPy's first release: 500). Default 500 unless splitEveryEpochs is given.")]
        [Range(1, 100_000_000)]
        public int? SplitEveryIterations { get; set; }

        [Description("Split every this many epochs instead of every T iterations (ClustPy's current default: 2), so the interval follows the data set's size.")]
        [Range(1, 1_000_000)]
        public int? SplitEveryEpochs { get; set; }

        [Description("A node whose weight falls below this is removed with its subtree (paper and ClustPy: 0.1). A node no batch reaches loses half its weight per iteration.")]
        [Range(0.0, 1e9)]
        public double PruningThreshold { get; set; } = 0.1;

        [Description("Weight of the two new leaves of a split (ClustPy: 1).")]
        [Range(1e-9, 1e9)]
        public double InitialWeight { get; set; } = 1.0;

        [Description("k-means++ restarts of each 2-means split; the lowest inertia wins (ClustPy: 20).")]
        [Range(1, 1000)]
        public int Restarts { get; set; } = 20;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (SplitEveryIterations is not null && SplitEveryEpochs is not null)
            {
                yield return ("splitEveryEpochs", "give splitEveryIterations or splitEveryEpochs, not both");
            }
            if (InitialWeight < PruningThreshold)
            {
                yield return ("initialWeight", $"a new leaf of weight {InitialWeight} would be pruned at once by pruningThreshold {PruningThreshold}; give a weight at least the threshold");
            }
        }

        /// <summary>Whether a split is due before this batch of the clustering phase (never before the first).</summary>
        internal bool IsDue(TrainingProgress progress)
        {
            var interval = SplitEveryEpochs is { } epochs ? (long)epochs * progress.BatchesPerEpoch : SplitEveryIterations ?? 500;
            return progress.Iteration > 0 && progress.Iteration % interval == 0;
        }
    }

    /// <summary>The tree: structure, centres, weights. Saved with a model: prediction assigns samples to its leaves.</summary>
    public static StateKey<EmbeddedClusterTree> Tree { get; } = new("cluster-tree", EmbeddedClusterTree.Serializer);

    /// <summary>Leaf centres [max leaves, d], a parameter the optimiser moves; row = a leaf's slot. Training-only.</summary>
    public static StateKey<torch.Tensor> LeafCentres { get; } = new("leaf-centres");

    public IReadOnlyCollection<StateKey> Provides => [Tree, LeafCentres];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var tree = new EmbeddedClusterTree(features.mean([0]).to(torch.float32).data<float>().ToArray(), options.MaxLeaves);
        var centres = new Parameter(torch.zeros(options.MaxLeaves, tree.Dimension), requires_grad: true);
        run.State.Set(LeafCentres, centres);
        run.State.Set(Tree, tree);
        var how = Split(run, tree, tree.Root, features);
        run.Log($"[{run.Progress.Phase.Name}] cluster tree: the root split by {how}");
    }

    public UpdateOutcome OnBatchStart(IRunContext run, Batch batch)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return UpdateOutcome.Continue;
        }
        var tree = run.State.Require(Tree, "deepect-tree");
        var leaves = tree.Leaves.Count;
        // A tree pruned to its root is split again at once, as in ClustPy.
        if (leaves < options.MaxLeaves && (leaves < 2 || options.IsDue(run.Progress)))
        {
            using var scope = torch.NewDisposeScope();
            var features = run.FeaturesOfAll();
            var leaf = LargestError(features, tree);
            run.Log($"[{run.Progress.Phase.Name}] iteration {run.Progress.Iteration}: " + (leaf < 0
                ? $"no split, none of the {leaves} leaves has two samples"
                : $"leaf {leaf + 1} of {leaves} split by {Split(run, tree, tree.Leaves[leaf], features)}"));
        }
        return UpdateOutcome.Continue;
    }

    public void OnBatchEnd(IRunContext run, StepInput step)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var tree = run.State.Require(Tree, "deepect-tree");
        // The tree still holds the leaf centres of before the step: the assignment the loss used.
        var samples = tree.NearestLeaf(step.Features.detach()).bincount(null, tree.Leaves.Count).to(torch.int32).data<int>().ToArray();
        tree.ReadLeafCentres(run.State.Require(LeafCentres, "deepect-tree").detach().to(torch.float32).data<float>().ToArray());
        tree.AdvanceWeights(samples);
        var pruned = tree.PruneBelow(options.PruningThreshold);
        tree.UpdateSplitCentres();
        if (pruned > 0)
        {
            run.Log($"[{run.Progress.Phase.Name}] iteration {run.Progress.Iteration}: {pruned} node(s) pruned, {tree.Leaves.Count} leaves left");
        }
    }

    /// <summary>
    /// The leaf index whose samples (each sample at its nearest leaf) have the largest sum of squared distances to
    /// the leaf's centre; leaves with fewer than two samples cannot be split and are passed over (-1 when no leaf is left).
    /// </summary>
    public static int LargestError(torch.Tensor features, EmbeddedClusterTree tree)
    {
        using var scope = torch.NewDisposeScope();
        var leaves = tree.Leaves.Count;
        using var centres = tree.CentresOf(tree.Leaves);
        var points = features.to(torch.float32);
        var nearest = KMeans.AssignNearest(points, centres);
        var squared = points.sub(centres.index_select(0, nearest)).square().sum(1).to(torch.float64);
        var errors = torch.zeros(leaves, torch.float64).index_add_(0, nearest, squared, 1).data<double>().ToArray();
        var members = nearest.bincount(null, leaves).data<long>().ToArray();
        var best = -1;
        for (var l = 0; l < leaves; l++)
        {
            if (members[l] > 1 && (best < 0 || errors[l] > errors[best]))
            {
                best = l;
            }
        }
        return best;
    }

    /// <summary>Splits <paramref name="leaf"/> by 2-means on its samples; the new leaves' centres go to their parameter rows.</summary>
    private string Split(IRunContext run, EmbeddedClusterTree tree, EmbeddedClusterTree.Node leaf, torch.Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var all = features.to(torch.float32);
        var points = all.index_select(0, tree.NearestLeaf(all).eq(tree.LeafIndex(leaf)).nonzero().squeeze(1));
        using var result = run.KMeans.Fit(points, 2, new KMeansSettings { Restarts = options.Restarts }, run.Random.Torch);
        var centres = result.Centroids.to(torch.float32);
        var (left, right) = tree.Split(leaf, centres[0].data<float>().ToArray(), centres[1].data<float>().ToArray(), options.InitialWeight);
        var parameter = run.State.Require(LeafCentres, "deepect-tree");
        using (torch.no_grad())
        {
            parameter.index_copy_(0, torch.tensor(new long[] { left.Slot, right.Slot }), centres);
        }
        return $"2-means on {points.shape[0]} samples ({options.Restarts} restarts, inertia {result.Inertia:G6}), {tree.Leaves.Count} leaves";
    }
}
