using Taxonomy.Blocks.Clustering;
using TorchSharp;

namespace Taxonomy.Blocks.Projection;

/// <summary>How faithfully a low-dimensional map keeps the neighbourhoods of the data.</summary>
public static class EmbeddingQuality
{
    private const long BlockRows = 256;

    /// <summary>
    /// Trustworthiness (Venna & Kaski 2001), scikit-learn's definition:
    /// T(k) = 1 − 2 / (n k (2n − 3k − 1)) Σ_i Σ_{j ∈ U_i(k)} (r(i, j) − k), where U_i(k) are the k nearest neighbours of i
    /// in the map that are not among its k nearest in the data, and r(i, j) is j's rank by distance to i in the data
    /// (1 = nearest; equal distances ranked by index). 1 means no false neighbours. Costs O(n²) distances, in row blocks.
    /// </summary>
    public static double Trustworthiness(torch.Tensor x, torch.Tensor embedding, int neighbours = 5)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rows = x.reshape(x.shape[0], -1).to(torch.float64);
        var n = rows.shape[0];
        if (neighbours < 1 || neighbours >= n / 2.0)
        {
            throw new ArgumentException($"trustworthiness needs 1 ≤ neighbours < n / 2 = {n / 2.0}; got {neighbours}");
        }
        var (_, mapNeighbours) = NearestNeighbours.Find(embedding, neighbours);
        var squaredNorms = rows.square().sum(1);
        var columns = torch.arange(n, dtype: torch.int64);
        double penalty = 0;
        for (long start = 0; start < n; start += BlockRows)
        {
            using var blockScope = torch.NewDisposeScope();
            var length = Math.Min(BlockRows, n - start);
            var d2 = PairwiseSquaredDistances.RowsAgainstAll(rows, squaredNorms, start, length);
            d2.diagonal(offset: start).fill_(double.PositiveInfinity);
            var chosen = mapNeighbours.narrow(0, start, length);                      // [b, k]
            var chosenD2 = d2.gather(1, chosen).unsqueeze(2);                          // [b, k, 1]
            var all = d2.unsqueeze(1);                                                 // [b, 1, n]
            var before = (all < chosenD2).logical_or_((all == chosenD2).logical_and_(columns.view(1, 1, n) < chosen.unsqueeze(2)));
            var rank = before.sum(2).add_(1);                                          // [b, k], 1 = nearest
            penalty += (rank - neighbours).clamp_min_(0).sum().item<long>();
        }
        var k = (double)neighbours;
        return 1 - 2.0 / (n * k * (2 * n - 3 * k - 1)) * penalty;
    }
}
