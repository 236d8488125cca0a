using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>How an updater finds the first clusters of a clustering phase.</summary>
public enum InitialClustering
{
    /// <summary>k-means++ with restarts, the lowest inertia kept (DEC, IDEC, DCN, DKM, VaDE). One word, so that the
    /// manifest, `taxonomy list` and the written effective manifest all spell it "kmeans".</summary>
    Kmeans,

    /// <summary>Ward agglomerative clustering (over k-means micro-clusters above 5,000 samples); centroids are the means.</summary>
    Ward,
}

/// <summary>Options of every updater that starts its clustering phase by clustering the embedded data.</summary>
public class KMeansInitOptions : BlockOptions
{
    [Description("k-means++ restarts on the clustering features of all data at the start of each clustering phase; the lowest inertia wins (DEC, IDEC: 20).")]
    [Range(1, 1000)]
    public int Restarts { get; set; } = 20;

    [Description("How the first clusters are found: kmeans (the methods' recipe) or ward (Ward agglomerative clustering, over 2,000 k-means micro-clusters above 5,000 samples; the centroids are the clusters' means).")]
    public InitialClustering Initialisation { get; set; } = InitialClustering.Kmeans;

    /// <summary>The first clusters of the features [n, d]: centroids [k, d] (in this scope), labels, and how, for the log.</summary>
    internal (torch.Tensor Centroids, int[] Labels, string How) FirstClusters(IRunContext run, torch.Tensor features)
    {
        if (Initialisation == InitialClustering.Kmeans)
        {
            using var result = run.KMeans.Fit(features, run.Clusters, new KMeansSettings { Restarts = Restarts }, run.Random.Torch);
            return (result.Centroids.clone(), result.Labels, $"k-means: {Restarts} restarts, inertia {result.Inertia:G6}");
        }
        var (labels, how) = Agglomerative.ClusterFeatures(features, run.Clusters, Linkage.Ward, exactUpTo: 5000,
            microClusters: 2000, run.KMeans, run.Random.Torch);
        return (ClusterMeans.Of(features, labels, run.Clusters), labels, how);
    }
}

/// <summary>
/// k-means on the clustering features of the whole data set at the start of each clustering phase: sets the
/// centroids and the hard assignments. Trainable centroids become a parameter the optimiser moves with the network
/// (joint cluster updates, e.g. DKM); the hard assignments then follow them: nearest centroid over all data at the
/// end of every epoch. Fixed centroids keep the k-means assignments. Other updaters (target-distribution,
/// dcn-alternating) compose this one for their initialisation.
/// </summary>
[Block("kmeans-init", Summary = "k-means on the embedded data at the start of each clustering phase: centroids (fixed or trainable) and hard assignments.")]
public sealed class KMeansInitUpdater(KMeansInitUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : KMeansInitOptions
    {
        [Description("true: the centroids become a parameter the optimiser moves with the network (joint updates, e.g. DKM); false: they stay fixed.")]
        public bool Trainable { get; set; }

        [Description("Re-run k-means on the features every this many epochs (alternating updates, DeepCluster-style), numbering the new clusters to match the old ones as far as they overlap; 0: only at the start of the phase.")]
        [Range(0, 100_000)]
        public int EveryEpochs { get; set; }

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Trainable && EveryEpochs > 0)
            {
                yield return ("everyEpochs", "re-clustering replaces the centroids the optimiser trains; use trainable centroids or everyEpochs, not both");
            }
        }
    }

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids, ClusterStateKeys.HardAssignments];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var (centroids, labels, how) = options.FirstClusters(run, run.FeaturesOfAll());
        run.State.SetCopy(ClusterStateKeys.Centroids, centroids, options.Trainable);
        run.State.Set(ClusterStateKeys.HardAssignments, labels);
        run.Log($"[{run.Progress.Phase.Name}] initialisation by {how}, {(options.Trainable ? "trainable" : "fixed")} centroids");
    }

    public UpdateOutcome OnEpochEnd(IRunContext run)
    {
        if (options.EveryEpochs > 0 && run.Progress.Phase.Kind == PhaseKind.Clustering &&
            (run.Progress.Epoch + 1) % options.EveryEpochs == 0)
        {
            Recluster(run);
            return UpdateOutcome.Continue;
        }
        if (options.Trainable && run.Progress.Phase.Kind == PhaseKind.Clustering && run.State.Get(ClusterStateKeys.Centroids) is { } centroids)
        {
            using var scope = torch.NewDisposeScope();
            run.State.Set(ClusterStateKeys.HardAssignments,
                KMeans.AssignNearest(run.FeaturesOfAll(), centroids).to(torch.int32).data<int>().ToArray());
        }
        return UpdateOutcome.Continue;
    }

    /// <summary>Fresh k-means; cluster j of the new solution takes the old number it shares most samples with.</summary>
    private void Recluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var previous = run.State.Get(ClusterStateKeys.HardAssignments);
        using var result = run.KMeans.Fit(run.FeaturesOfAll(), run.Clusters,
            new KMeansSettings { Restarts = options.Restarts }, run.Random.Torch);
        var numbering = previous is null ? Enumerable.Range(0, run.Clusters).ToArray()
            : MatchNumbering(result.Labels, previous, run.Clusters);
        var centroids = torch.zeros_like(result.Centroids)
            .index_copy_(0, torch.tensor(numbering.Select(n => (long)n).ToArray()), result.Centroids);
        var labels = result.Labels.Select(l => numbering[l]).ToArray();
        var kept = previous is null ? 0 : labels.Where((l, i) => l == previous[i]).Count();
        run.State.Set(ClusterStateKeys.Centroids, centroids);
        run.State.Set(ClusterStateKeys.HardAssignments, labels);
        run.Log($"[{run.Progress.Phase.Name}] k-means re-clustering: inertia {result.Inertia:G6}, " +
                $"{100.0 * kept / labels.Length:F1} % of the samples keep their cluster");
    }

    /// <summary>The old number of each new cluster: the one-to-one matching of most shared samples (Hungarian).</summary>
    internal static int[] MatchNumbering(int[] fresh, int[] previous, int clusters)
    {
        var cost = new double[clusters, clusters];
        for (var i = 0; i < fresh.Length; i++)
        {
            cost[fresh[i], previous[i]] -= 1;
        }
        return Metrics.HungarianAlgorithm.Solve(cost);
    }
}
