using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>Options of every updater that starts its clustering phase with k-means on the embedded data.</summary>
public class KMeansInitOptions : BlockOptions
{
    [Description("k-means++ restarts on the clustering features of all data at the start of each clustering phase; the lowest inertia wins (DEC, IDEC: 20).")]
    [Range(1, 1000)]
    public int Restarts { get; set; } = 20;
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

    public ClusterStateParts Provides => ClusterStateParts.Centroids | ClusterStateParts.HardAssignments;

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var settings = new KMeansSettings { Restarts = options.Restarts };
        using var result = run.KMeans.Fit(run.FeaturesOfAll(), run.Clusters, settings, run.Random.Torch);
        run.State.SetCentroids(result.Centroids, options.Trainable);
        run.State.HardAssignments = result.Labels;
        run.Log($"[{run.Progress.Phase.Name}] k-means initialisation: {options.Restarts} restarts, inertia {result.Inertia:G6}, " +
                $"{(options.Trainable ? "trainable" : "fixed")} centroids");
    }

    public UpdateOutcome OnEpochEnd(IRunContext run)
    {
        if (options.EveryEpochs > 0 && run.Progress.Phase.Kind == PhaseKind.Clustering &&
            (run.Progress.Epoch + 1) % options.EveryEpochs == 0)
        {
            Recluster(run);
            return UpdateOutcome.Continue;
        }
        if (options.Trainable && run.Progress.Phase.Kind == PhaseKind.Clustering && run.State.Centroids is { } centroids)
        {
            using var scope = torch.NewDisposeScope();
            run.State.HardAssignments =
                KMeans.AssignNearest(run.FeaturesOfAll(), centroids).to(torch.int32).data<int>().ToArray();
        }
        return UpdateOutcome.Continue;
    }

    /// <summary>Fresh k-means; cluster j of the new solution takes the old number it shares most samples with.</summary>
    private void Recluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var previous = run.State.HardAssignments;
        using var result = run.KMeans.Fit(run.FeaturesOfAll(), run.Clusters,
            new KMeansSettings { Restarts = options.Restarts }, run.Random.Torch);
        var numbering = previous is null ? Enumerable.Range(0, run.Clusters).ToArray()
            : MatchNumbering(result.Labels, previous, run.Clusters);
        var centroids = torch.zeros_like(result.Centroids)
            .index_copy_(0, torch.tensor(numbering.Select(n => (long)n).ToArray()), result.Centroids);
        var labels = result.Labels.Select(l => numbering[l]).ToArray();
        var kept = previous is null ? 0 : labels.Where((l, i) => l == previous[i]).Count();
        run.State.SetCentroids(centroids, trainable: false);
        run.State.HardAssignments = labels;
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
