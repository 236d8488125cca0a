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
        if (options.Trainable && run.Progress.Phase.Kind == PhaseKind.Clustering && run.State.Centroids is { } centroids)
        {
            using var scope = torch.NewDisposeScope();
            run.State.HardAssignments =
                KMeans.AssignNearest(run.FeaturesOfAll(), centroids).to(torch.int32).data<int>().ToArray();
        }
        return UpdateOutcome.Continue;
    }
}
