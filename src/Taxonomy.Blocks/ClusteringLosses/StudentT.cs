using TorchSharp;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// DEC's formulas (Xie et al. 2016, eqs. 1–3), shared by the cluster-hardening loss, the target-distribution
/// updater and argmax post-clustering. Results join the caller's dispose scope; gradients flow through the
/// soft assignment when its inputs require them.
/// </summary>
public static class StudentT
{
    /// <summary>Keeps log 0 out of the KL divergence; far below any probability the formulas produce.</summary>
    private const double LogFloor = 1e-30;

    /// <summary>
    /// Soft assignment q_ij ∝ (1 + ‖z_i − μ_j‖²/α)^(−(α+1)/2), normalised over j: [n, k] from points [n, d] and
    /// centroids [k, d]. α is the degrees of freedom of the Student-t kernel (1 in DEC and IDEC).
    /// </summary>
    public static torch.Tensor SoftAssignment(torch.Tensor points, torch.Tensor centroids, double alpha)
    {
        using var scope = torch.NewDisposeScope();
        var kernel = KMeans.SquaredDistances(points, centroids).div(alpha).add(1).pow(-(alpha + 1) / 2);
        return kernel.div(kernel.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Target distribution p_ij = (q_ij² / f_j) / Σ_j' (q_ij'² / f_j'), with soft cluster frequencies f_j = Σ_i q_ij:
    /// squaring sharpens confident assignments, dividing by f_j keeps large clusters from taking over.
    /// </summary>
    public static torch.Tensor TargetDistribution(torch.Tensor q)
    {
        using var scope = torch.NewDisposeScope();
        var weighted = q.square().div(q.sum(0, keepdim: true));
        return weighted.div(weighted.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// KL(P ‖ Q) = Σ_j p_ij (log p_ij − log q_ij) per row, averaged over the rows: P is the target, Q the model.
    /// Written out because TorchSharp's kl_div defaults to log_target = true (PyTorch's default is false).
    /// </summary>
    public static torch.Tensor KlDivergence(torch.Tensor p, torch.Tensor q)
    {
        using var scope = torch.NewDisposeScope();
        var perRow = p.mul(p.clamp_min(LogFloor).log().sub(q.clamp_min(LogFloor).log())).sum(1);
        return perRow.mean().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A block computing DEC's Student-t soft assignment with degrees of freedom <see cref="Alpha"/>: blocks that must
/// agree on the kernel (the target distribution and the loss it feeds) check each other through it.
/// </summary>
public interface IStudentTKernel
{
    double Alpha { get; }
}
