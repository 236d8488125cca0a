using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Host.Training;

/// <summary>Cluster assignments for the per-epoch log and where they came from.</summary>
/// <param name="Source">Said in the log line, e.g. "k-means, 1 restart": the final result may use another way, or more restarts.</param>
internal sealed record QuickAssignments(int[] Labels, string Source);

/// <summary>Cheap cluster assignments for the per-epoch log, drawn from their own generator so logging never
/// changes a seeded run's result.</summary>
internal static class Evaluation
{
    /// <summary>One k-means run per epoch keeps the log cheap; the final post-clustering uses its own restarts.</summary>
    private const int Restarts = 1;

    /// <summary>
    /// The updater's hard assignments when it keeps them; else the argmax of the branch's probabilities when the
    /// post-clustering reads them (IMSAT, DAC); else one k-means run on the features (a classifier trained on another
    /// task, as SCCNN's and UGTAC's, has an untrained cluster head).
    /// </summary>
    public static QuickAssignments Assign(RunContext run, IReadOnlyList<string> postClusteringLayers)
    {
        if (run.State.Get(ClusterStateKeys.HardAssignments) is { } hard)
        {
            return new QuickAssignments(hard, "the updater's assignments");
        }
        using var scope = torch.NewDisposeScope();
        if (postClusteringLayers.Contains(Layers.Probabilities))
        {
            var probabilities = run.LayerOfAll(Layers.Probabilities);
            return new QuickAssignments(probabilities.argmax(1).to(torch.int32).data<int>().ToArray(), "argmax of the probabilities");
        }
        using var generator = new torch.Generator((ulong)run.Random.Seed + 7919);
        var settings = new KMeansSettings { Restarts = Restarts };
        using var result = run.KMeans.Fit(run.FeaturesOfAll(), run.Clusters, settings, generator);
        return new QuickAssignments(result.Labels, $"k-means, {Restarts} restart{(Restarts == 1 ? "" : "s")}");
    }
}
