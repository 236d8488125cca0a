using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Subspaces;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// ENRC's cluster updates (Miklautz et al., AAAI 2020; ClustPy's enrc.py), also ACeDeC's (a clustered view and a
/// one-cluster noise view). At the start of the clustering phase NrKmeans (<see cref="NrKMeans"/>) on the embedding
/// gives the rotation V, each view's dimensions (turned into soft weights β, <see cref="SubspaceViews.InitialLogits"/>)
/// and each view's centroids in rotated coordinates. V and β are parameters the optimiser moves with the network; after
/// every step V is replaced by its nearest orthogonal matrix, and each view's batch moves its centroids (nearest
/// centroid under β; ClustPy's mini-batch rule: an exponentially averaged count c ← λ·n + (1 − λ)·c per centroid and a
/// step 1 / (1 + c) towards the batch mean; a one-cluster view moves halfway to the batch mean).
/// </summary>
[Block("enrc", Summary = "ENRC/ACeDeC: NrKmeans start (rotation V, soft dimension weights β, centroids per view); V kept orthogonal, mini-batch centroid updates per view.")]
public sealed class EnrcUpdater(EnrcUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : BlockOptions
    {
        [Description("Number of clusters of each view; the first view is the primary partition and must have the run's k. ENRC on two groupings: [10, 10]; ACeDeC: [k, 1] (the second view is the noise space).")]
        public List<int>? Clusters { get; set; }

        [Description("NrKmeans starts for the initialisation; the lowest cost wins (ClustPy's rounds: 10).")]
        [Range(1, 1000)]
        public int Starts { get; set; } = 10;

        [Description("NrKmeans iterations per start at most (ClustPy: 100).")]
        [Range(1, 10_000)]
        public int Iterations { get; set; } = 100;

        [Description("Initial weight β of a rotated dimension in its own view; the rest is shared by the other views (ClustPy's beta_init_value: 0.9).")]
        [Range(0.01, 0.99)]
        public double BetaInit { get; set; } = 0.9;

        [Description("λ of the centroids' averaged batch counts (ClustPy's center_lr: 0.5).")]
        [Range(0.0, 1.0)]
        public double CentroidRate { get; set; } = 0.5;

        public override void ApplyDefaults() => Clusters ??= [10, 10];

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Clusters is not { Count: >= 2 } || Clusters.Any(k => k < 1))
            {
                yield return ("clusters", "must list at least two views, each with at least one cluster");
            }
        }
    }

    /// <summary>The rotation V [d, d], a parameter while training. Saved with a model.</summary>
    public static StateKey<torch.Tensor> Rotation { get; } = new("enrc-rotation", StateSerializers.Tensor);

    /// <summary>β logits [views, d] as stored (<see cref="SubspaceViews.Betas"/>), a parameter while training. Saved.</summary>
    public static StateKey<torch.Tensor> BetaLogits { get; } = new("enrc-beta-logits", StateSerializers.Tensor);

    /// <summary>Every view's centroids in rotated coordinates, stacked view after view [Σ k, d]. Saved.</summary>
    public static StateKey<torch.Tensor> Centroids { get; } = new("enrc-centroids", StateSerializers.Tensor);

    /// <summary>The number of clusters of each view (the stacking of <see cref="Centroids"/>). Saved.</summary>
    public static StateKey<int[]> ViewClusters { get; } = new("enrc-view-clusters", StateSerializers.Int32Array);

    /// <summary>The centroids' exponentially averaged batch counts [Σ k]; training-only.</summary>
    private static StateKey<torch.Tensor> Counts { get; } = new("enrc-counts");

    public IReadOnlyCollection<StateKey> Provides => [Rotation, BetaLogits, Centroids, ViewClusters, Counts];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        var clusters = options.Clusters!.ToArray();
        if (clusters[0] != run.Clusters)
        {
            throw new InvalidOperationException(
                $"enrc: the first view has {clusters[0]} clusters, but the run's k is {run.Clusters}; the first view is the primary partition, so give it the run's k (or set \"clusters\")");
        }
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var d = (int)features.shape[1];
        if (d < clusters.Length)
        {
            throw new InvalidOperationException($"enrc: {clusters.Length} views need at least as many embedding dimensions, got {d}");
        }
        var start = NrKMeans.Fit(features, clusters, options.Starts, options.Iterations, run.Random.Torch);
        run.State.SetCopy(Rotation, start.Rotation, trainable: true);
        run.State.SetCopy(BetaLogits, SubspaceViews.InitialLogits(start.DimensionsOfView, d, options.BetaInit), trainable: true);
        run.State.SetCopy(Centroids, start.Centroids, trainable: false);
        run.State.Set(ViewClusters, clusters);
        run.State.SetCopy(Counts, torch.zeros(clusters.Sum()), trainable: false);
        run.Log($"[{run.Progress.Phase.Name}] ENRC start: NrKmeans ({options.Starts} starts), cost {start.Cost:G6}, " +
                $"dimensions per view [{string.Join(", ", start.DimensionsOfView.Select(p => p.Length))}]");
    }

    public void OnBatchEnd(IRunContext run, StepInput step)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering || run.State.Trainable(Rotation) is not { } rotation)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        // The batch's rotated features from before the step (as ClustPy), assigned under the β of after it.
        var rotated = step.Features.detach().mm(rotation.detach());
        rotation.copy_(SubspaceViews.NearestOrthogonal(rotation));
        var clusters = run.State.Require(ViewClusters, "enrc");
        var centroids = run.State.Require(Centroids, "enrc");
        var counts = run.State.Require(Counts, "enrc");
        var labels = SubspaceViews.Assign(rotated, centroids, SubspaceViews.Betas(run.State.Require(BetaLogits, "enrc")), clusters);
        for (var v = 0; v < clusters.Length; v++)
        {
            var (first, k) = SubspaceViews.Rows(clusters, v);
            var viewCentroids = centroids.narrow(0, first, k);
            if (k == 1)
            {
                viewCentroids.mul_(0.5).add_(rotated.mean([0], keepdim: true).mul(0.5));
                continue;
            }
            MoveCentroids(viewCentroids, counts.narrow(0, first, k), rotated, labels[v]);
        }
    }

    /// <summary>ClustPy's mini-batch step for the centroids with batch members; the others stay.</summary>
    private void MoveCentroids(torch.Tensor centroids, torch.Tensor counts, torch.Tensor rotated, torch.Tensor labels)
    {
        var k = centroids.shape[0];
        var members = labels.bincount(null, k).to(rotated.dtype);
        var sums = torch.zeros_like(centroids).index_add_(0, labels, rotated, 1);
        var present = members.gt(0);
        var averaged = members.mul(options.CentroidRate).add(counts.mul(1 - options.CentroidRate));
        counts.copy_(torch.where(present, averaged, counts));
        var rate = counts.add(1).reciprocal().unsqueeze(1);
        var means = sums.div(members.clamp_min(1).unsqueeze(1));
        var moved = centroids.mul(rate.neg().add(1)).add(means.mul(rate));
        centroids.copy_(torch.where(present.unsqueeze(1), moved, centroids));
    }
}
