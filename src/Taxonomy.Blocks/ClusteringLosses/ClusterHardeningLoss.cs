using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Augmentation;
using Taxonomy.Blocks.ClusterUpdates;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>Where the cluster-hardening loss takes its target distribution P from.</summary>
public enum TargetSource
{
    /// <summary>The cluster state, refreshed over the whole data set by an updater (DEC, IDEC: 'target-distribution').</summary>
    State,

    /// <summary>The batch itself: P from the batch's own q, detached, at every step (ClustPy's DEC and IDEC).</summary>
    Batch,
}

/// <summary>
/// Cluster assignment hardening (DEC, IDEC): KL(P ‖ Q) between a sharpened target P and the Student-t soft
/// assignment Q of the batch's features to the centroids, mean over the batch. The centroids come from the
/// cluster state; when an updater made them trainable, the gradient moves them too. With "balance", DEPICT's
/// balanced-assignment term is added: the taxonomy's "cluster hardening + balanced assignments" pair. With a
/// "transform", Q is of randomly transformed images against the clean images' P (DEC-DA's clustering phase); that pass
/// leaves the batch-norm running statistics to the clean pass.
/// </summary>
[Block("cluster-hardening", Summary = "KL(P || Q) of the Student-t soft assignment Q to a sharpened target P (DEC, IDEC); with a transform, Q of randomly transformed images against the clean P (DEC-DA).")]
public sealed class ClusterHardeningLoss(ClusterHardeningLoss.Options options) : IClusteringLoss, IStudentTKernel
{
    public sealed class Options : TransformableLossOptions
    {
        [Description("Degrees of freedom α of the Student-t kernel (1 in DEC and IDEC).")]
        [Range(1e-3, 1e3)]
        public double Alpha { get; set; } = 1.0;

        [Description("state: P from the cluster state, refreshed by the 'target-distribution' updater (DEC, IDEC); " +
                     "batch: P computed from the batch's own q at every step, detached (ClustPy's DEC).")]
        public TargetSource Target { get; set; } = TargetSource.State;

        [Description("Weight of DEPICT's balanced-assignment term KL(f || u) added to KL(P || Q): f is the batch's mean soft assignment, u uniform over the clusters; it penalises empty or oversized clusters (0 = off, DEC and IDEC).")]
        [Range(0.0, 1e6)]
        public double Balance { get; set; }
    }

    private readonly ImageTransform? _transform = options.CreateTransform();

    public double Weight => options.Weight;

    public double Alpha => options.Alpha;

    public IReadOnlyCollection<StateKey> Requires => options.Target == TargetSource.State
        ? [ClusterStateKeys.Centroids, TargetDistributionUpdater.Target]
        : [ClusterStateKeys.Centroids];

    public torch.Tensor Compute(StepInput step)
    {
        var state = step.Run.State;
        var centroids = state.Require(ClusterStateKeys.Centroids, "cluster-hardening");
        var q = StudentT.SoftAssignment(_transform?.Features(step) ?? step.Features, centroids, options.Alpha);
        var p = options.Target == TargetSource.Batch
            ? StudentT.TargetDistribution(q.detach())
            : state.Require(TargetDistributionUpdater.Target, "cluster-hardening").index_select(0, step.Batch.Indices);
        var hardening = StudentT.KlDivergence(p, q);
        return options.Balance > 0 ? hardening + BalancedAssignment(q) * options.Balance : hardening;
    }

    /// <summary>KL(f ‖ u) = Σ_k f_k log(K f_k), f the batch's mean soft assignment (DEPICT's prior on cluster sizes).</summary>
    internal static torch.Tensor BalancedAssignment(torch.Tensor q)
    {
        var frequency = q.mean([0]);
        return (frequency * (frequency * q.shape[1]).clamp_min(1e-12).log()).sum();
    }
}
