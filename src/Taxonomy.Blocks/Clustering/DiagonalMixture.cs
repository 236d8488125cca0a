using TorchSharp;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// A Gaussian mixture with diagonal covariances over feature vectors: means [k, d], log-variances [k, d] and
/// unnormalised log-weights [k] (π = softmax). VaDE's prior p(c)·p(z|c); also its posterior q(c|x) ≈ p(c|z).
/// </summary>
internal static class DiagonalMixture
{
    private static readonly double s_log2Pi = Math.Log(2 * Math.PI);

    /// <summary>log π_c + log N(z | μ_c, diag σ²_c) for every row z of <paramref name="features"/> and component c: [n, k].</summary>
    public static torch.Tensor JointLogDensities(torch.Tensor features, torch.Tensor means, torch.Tensor logVariances,
        torch.Tensor logWeights)
    {
        var squared = (features.unsqueeze(1) - means.unsqueeze(0)).square() / logVariances.exp().unsqueeze(0);
        var logDensity = (squared + logVariances.unsqueeze(0)).sum(2).add(features.shape[1] * s_log2Pi).mul(-0.5);
        return logDensity + torch.nn.functional.log_softmax(logWeights, 0).unsqueeze(0);
    }

    /// <summary>log p(c | z), the log-responsibilities, [n, k].</summary>
    public static torch.Tensor LogResponsibilities(torch.Tensor features, torch.Tensor means, torch.Tensor logVariances,
        torch.Tensor logWeights) =>
        torch.nn.functional.log_softmax(JointLogDensities(features, means, logVariances, logWeights), 1);
}
