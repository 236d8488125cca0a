using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// DEC's cluster updates (Xie et al. 2016, Sec. 3.1.3; IDEC alike): k-means initialisation with trainable centroids,
/// then, every T iterations of the clustering phase and before that batch, the Student-t soft assignment q of the
/// whole data set gives a new target distribution P and new hard assignments (argmax q). The phase ends when fewer
/// than a fraction tol of the labels changed since the previous refresh (never at the first refresh, which has
/// nothing to compare with: DEC-keras compares from its second update on as well).
/// </summary>
/// <remarks>
/// ClustPy's per-batch target (P from the batch's own q at every step) is not an updater schedule but a property of the
/// loss: 'cluster-hardening' with "target": "batch" computes it from the same forward pass, detached, and needs only
/// centroids ('kmeans-init' with "trainable": true). An updater could only get it with a second forward pass.
/// </remarks>
[Block("target-distribution", Summary = "DEC's updates: k-means init, trainable centroids, target P over all data every T iterations, stop below tol label changes.")]
public sealed class TargetDistributionUpdater(TargetDistributionUpdater.Options options) : IClusterUpdater, IStudentTKernel
{
    public sealed class Options : KMeansInitOptions
    {
        [Description("true: the centroids are optimised with the network, as in DEC and IDEC; false: they stay at the k-means solution.")]
        public bool Trainable { get; set; } = true;

        [Description("T: iterations of the clustering phase between refreshes of P over the whole data set (DEC-keras and IDEC on MNIST: 140). Default 140 unless everyEpochs is given.")]
        [Range(1, 100_000_000)]
        public int? EveryIterations { get; set; }

        [Description("Refresh P at the start of every this many epochs instead of every T iterations (the taxonomy paper's case study: 1), so the interval follows the data set's size.")]
        [Range(1, 1_000_000)]
        public int? EveryEpochs { get; set; }

        [Description("Stop the phase when less than this fraction of the hard assignments changed since the previous refresh (0.001 = 0.1%; 0 never stops).")]
        [Range(0.0, 1.0)]
        public double Tolerance { get; set; } = 0.001;

        [Description("Degrees of freedom α of the Student-t kernel; must equal the cluster-hardening loss's alpha.")]
        [Range(1e-3, 1e3)]
        public double Alpha { get; set; } = 1.0;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (EveryIterations is not null && EveryEpochs is not null)
            {
                yield return ("everyEpochs", "give everyIterations or everyEpochs, not both");
            }
        }

        /// <summary>Whether P is due before this batch of the clustering phase.</summary>
        internal bool IsDue(TrainingProgress progress) => EveryEpochs is { } epochs
            ? progress.Iteration % ((long)epochs * progress.BatchesPerEpoch) == 0
            : progress.Iteration % (EveryIterations ?? 140) == 0;
    }

    private readonly KMeansInitUpdater _initialization =
        new(new KMeansInitUpdater.Options { Restarts = options.Restarts, Initialisation = options.Initialisation, Trainable = options.Trainable });

    /// <summary>Hard assignments at the previous refresh of this phase, or null before the first.</summary>
    private int[]? _previous;

    /// <summary>DEC's target distribution P over the whole training set, [n, k]; training-only.</summary>
    public static StateKey<torch.Tensor> Target { get; } = new("target-distribution");

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids, ClusterStateKeys.HardAssignments, Target];

    public double Alpha => options.Alpha;

    public void CheckComposition(Composition composition)
    {
        composition.RequireClusteringPhase(this, "clusterUpdater");
        if (composition.ClusteringLoss is IStudentTKernel loss)
        {
            composition.Require(this, loss.Alpha.Equals(options.Alpha),
                $"clusterUpdater.alpha ({options.Alpha}) differs from clusteringLoss.alpha ({loss.Alpha}); the target " +
                "distribution must come from the same Student-t kernel as the loss");
        }
    }

    public void OnPhaseStart(IRunContext run)
    {
        _initialization.OnPhaseStart(run);
        _previous = null;
    }

    public UpdateOutcome OnBatchStart(IRunContext run, Batch batch)
    {
        var progress = run.Progress;
        return progress.Phase.Kind == PhaseKind.Clustering && options.IsDue(progress)
            ? Refresh(run)
            : UpdateOutcome.Continue;
    }

    /// <summary>Sets P and the hard assignments from q over the whole data set; StopPhase when they have settled.</summary>
    private UpdateOutcome Refresh(IRunContext run)
    {
        var state = run.State;
        int[] labels;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var centroids = state.Require(ClusterStateKeys.Centroids, "target-distribution");
            var q = StudentT.SoftAssignment(run.FeaturesOfAll(), centroids, options.Alpha);
            state.Set(Target, StudentT.TargetDistribution(q));
            labels = q.argmax(1).to(torch.int32).data<int>().ToArray();
        }
        state.Set(ClusterStateKeys.HardAssignments, labels);
        var previous = _previous;
        _previous = labels;
        if (previous is null)
        {
            return UpdateOutcome.Continue;
        }
        var changed = labels.Where((label, i) => label != previous[i]).Count() / (double)labels.Length;
        run.Log($"[{run.Progress.Phase.Name}] iteration {run.Progress.Iteration}: target distribution refreshed, " +
                $"{changed:P2} of the labels changed (tolerance {options.Tolerance:P2})");
        return changed < options.Tolerance ? UpdateOutcome.StopPhase : UpdateOutcome.Continue;
    }
}
