using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Host.Training;

/// <summary>Cheap cluster assignments for the per-epoch log, drawn from their own generator so logging never
/// changes a seeded run's result.</summary>
internal static class Evaluation
{
    /// <summary>
    /// The updater's hard assignments when it keeps them; else the argmax of the branch's probabilities when the
    /// post-clustering reads them (IMSAT, DAC); else one k-means run on the features (a classifier trained on another
    /// task, as SCCNN's and UGTAC's, has an untrained cluster head).
    /// </summary>
    public static int[] QuickAssignments(RunContext run, IReadOnlyList<string> postClusteringLayers)
    {
        if (run.State.HardAssignments is { } hard)
        {
            return hard;
        }
        using var scope = torch.NewDisposeScope();
        if (postClusteringLayers.Contains(Layers.Probabilities))
        {
            var probabilities = run.LayerOfAll(Layers.Probabilities);
            return probabilities.argmax(1).to(torch.int32).data<int>().ToArray();
        }
        using var generator = new torch.Generator((ulong)run.Random.Seed + 7919);
        var settings = new KMeansSettings { Restarts = 1 };
        using var result = run.KMeans.Fit(run.FeaturesOfAll(), run.Clusters, settings, generator);
        return result.Labels;
    }
}
