using TorchSharp;

namespace Taxonomy.Blocks.Projection;

/// <summary>
/// Conditional probabilities p(j|i) = exp(−β_i d_ij) / Σ_k exp(−β_i d_ik) whose entropy is log(perplexity) (nats), each
/// row's β found by bisection (van der Maaten & Hinton 2008, §2): β starts at 1, doubles or halves until the entropy is
/// bracketed, then bisects; at most 100 steps, tolerance 1e-5 on the entropy, as scikit-learn's
/// _binary_search_perplexity. All rows of a block are searched together.
/// </summary>
internal static class PerplexityCalibration
{
    private const int MaxSteps = 100;
    private const double Tolerance = 1e-5;
    private const double MinimumSum = 1e-8;   // keeps log(Σ) finite while β is still far too large

    /// <summary>Rows of p(·|i) ([rows, m], float64) from squared distances [rows, m]; +∞ marks an excluded pair (the point itself).</summary>
    public static torch.Tensor Conditional(torch.Tensor squaredDistances, double perplexity)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var d = squaredDistances.to(torch.float64);
        var rows = d.shape[0];
        var target = Math.Log(perplexity);
        var beta = torch.ones(rows, 1, dtype: torch.float64);
        var low = torch.full(rows, 1, double.NegativeInfinity, dtype: torch.float64);
        var high = torch.full(rows, 1, double.PositiveInfinity, dtype: torch.float64);
        var active = torch.ones(rows, 1, dtype: torch.@bool);
        var p = torch.empty_like(d);
        for (var step = 0; step < MaxSteps; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            p = Normalised(d, beta, out var entropy).MoveToOuterDisposeScope();
            var difference = entropy - target;
            active = active.logical_and(difference.abs() > Tolerance).MoveToOuterDisposeScope();
            if (!active.any().item<bool>())
            {
                break;
            }
            // Entropy too high: β too small, raise it (double until bracketed); too low: lower it.
            var raise = active.logical_and(difference > 0);
            var lower = active.logical_and(difference <= 0);
            var newLow = torch.where(raise, beta, low);
            var newHigh = torch.where(lower, beta, high);
            var raised = torch.where(newHigh.isinf(), beta * 2, (beta + newHigh) / 2);
            var lowered = torch.where(newLow.isinf(), beta / 2, (beta + newLow) / 2);
            beta = torch.where(raise, raised, torch.where(lower, lowered, beta)).MoveToOuterDisposeScope();
            low = newLow.MoveToOuterDisposeScope();
            high = newHigh.MoveToOuterDisposeScope();
        }
        return p.MoveToOuterDisposeScope();
    }

    /// <summary>exp(−β d) normalised per row, and each row's entropy log Σ + β Σ d p.</summary>
    private static torch.Tensor Normalised(torch.Tensor d, torch.Tensor beta, out torch.Tensor entropy)
    {
        var p = d.mul(beta).neg_().exp_();
        var sum = p.sum(1, keepdim: true).clamp_min_(MinimumSum);
        p.div_(sum);
        // Excluded pairs have p = 0 and d = ∞: their term is 0, not ∞ · 0.
        var weighted = torch.where(p > 0, d * p, torch.zeros_like(p)).sum(1, keepdim: true);
        entropy = sum.log() + beta * weighted;
        return p;
    }
}
