using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// DCN's alternating cluster updates (Yang et al. 2017, Sec. 3.2 and Algorithm 1; code: boyangumn/DCN batch_km).
/// k-means initialises fixed centroids and the hard assignments; after every network step, the batch is embedded
/// again (no gradients, evaluation mode like the whole-data embeddings), each sample goes to its nearest centroid,
/// and each centroid moves towards its samples with a step 1/n_k that shrinks as its count n_k grows:
/// c_k ← c_k − (1/n_k)(c_k − z_i), n_k ← n_k + 1 before each sample. The counts carry over from batch to batch.
/// </summary>
/// <remarks>
/// The original code starts every n_k at 100 (not in the paper), which makes the first steps small. ClustPy's
/// dcn.py keeps that 100 (citing the original code); its older releases re-assigned and moved the centroids in
/// a separate pass over all data after each epoch instead of after each batch. Applied sample by sample, the rule
/// is a running mean, so a batch's m_k samples of cluster k give c_k ← (n_k c_k + Σ z_i)/(n_k + m_k) in any order,
/// which is how it is computed here.
/// </remarks>
[Block("dcn-alternating", Summary = "DCN's updates: k-means init, then per batch nearest-centroid re-assignment and incremental centroid means.")]
public sealed class DcnAlternatingUpdater(DcnAlternatingUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : KMeansInitOptions
    {
        [Description("Initial count n_k of every cluster in the incremental centroid update; larger values make the first steps smaller (original DCN code and ClustPy: 100).")]
        [Range(0.0, 1e12)]
        public double InitialCount { get; set; } = 100;
    }

    private readonly KMeansInitUpdater _initialization =
        new(new KMeansInitUpdater.Options { Restarts = options.Restarts, Initialisation = options.Initialisation, Trainable = false });

    private double[] _counts = [];

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids, ClusterStateKeys.HardAssignments];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        _initialization.OnPhaseStart(run);
        _counts = Enumerable.Repeat(options.InitialCount, run.Clusters).ToArray();
    }

    public void OnBatchEnd(IRunContext run, StepInput step)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        var state = run.State;
        var hard = state.Require(ClusterStateKeys.HardAssignments, "dcn-alternating");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var centroids = state.Require(ClusterStateKeys.Centroids, "dcn-alternating");
        var (updated, labels) = Update(centroids, Embed(run, step.Batch.Inputs), _counts);
        state.Set(ClusterStateKeys.Centroids, updated);
        var rows = step.Batch.Indices.data<long>().ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            hard[rows[i]] = labels[i];
        }
    }

    /// <summary>
    /// One DCN update on a batch: nearest-centroid labels (against the centroids before the update), then the
    /// incremental means with the counts, which are advanced in place. Returns the new centroids (in the caller's
    /// dispose scope) and the labels.
    /// </summary>
    public static (torch.Tensor Centroids, int[] Labels) Update(torch.Tensor centroids, torch.Tensor features, double[] counts)
    {
        using var scope = torch.NewDisposeScope();
        var k = centroids.shape[0];
        var labels = KMeans.AssignNearest(features, centroids);
        // In float64: counts reach millions on large data sets, where n·c in float32 would swallow the update.
        var current = centroids.to(torch.float64);
        var sums = torch.zeros_like(current).index_add_(0, labels, features.to(torch.float64), 1);
        var members = labels.bincount(null, k).data<long>().ToArray();
        var before = torch.tensor(counts).unsqueeze(1);
        for (var j = 0; j < k; j++)
        {
            counts[j] += members[j];
        }
        var after = torch.tensor(counts).unsqueeze(1);
        // Clusters without members keep their centroid (where a count is 0 this also sets aside 0/0).
        var moved = current.mul(before).add(sums).div(after);
        var empty = torch.tensor(Array.ConvertAll(members, m => m == 0)).unsqueeze(1);
        var result = torch.where(empty, current, moved).to(centroids.dtype);
        return (result.MoveToOuterDisposeScope(), labels.to(torch.int32).data<int>().ToArray());
    }

    /// <summary>The batch's clustering features after the step, computed like <see cref="IRunContext.FeaturesOfAll"/>.</summary>
    private static torch.Tensor Embed(IRunContext run, torch.Tensor inputs)
    {
        var module = run.Branch.Module;
        var wasTraining = module.training;
        module.eval();
        try
        {
            var outputs = run.Branch.Forward(inputs, run.FeatureSelector.RequiredLayers.ToHashSet());
            return run.FeatureSelector.Select(outputs);
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
