using TorchSharp;

namespace Taxonomy.Blocks.Clustering;

/// <summary>Squared Euclidean distances between all rows of a tensor, one block of rows at a time.</summary>
internal static class PairwiseSquaredDistances
{
    /// <summary>
    /// ‖xᵢ‖² + ‖xⱼ‖² − 2 xᵢ·xⱼ for the rows i in [start, start + length) against every row j: [length, n], built in
    /// place in one buffer. Not clamped at 0, so callers that rank neighbours keep float rounding's order; callers
    /// that need d² ≥ 0 clamp. Joins the caller's dispose scope.
    /// </summary>
    public static torch.Tensor RowsAgainstAll(torch.Tensor x, torch.Tensor squaredNorms, long start, long length) =>
        x.narrow(0, start, length).matmul(x.t()).mul_(-2)
            .add_(squaredNorms.unsqueeze(0)).add_(squaredNorms.narrow(0, start, length).unsqueeze(1));
}
