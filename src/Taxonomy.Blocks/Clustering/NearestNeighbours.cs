using TorchSharp;

namespace Taxonomy.Blocks.Clustering;

/// <summary>Exact k nearest neighbours of every sample (Euclidean, the sample itself excluded), rows in chunks.</summary>
internal static class NearestNeighbours
{
    /// <summary>Extra float32 candidates per row, re-ranked in float64, so float32 rounding cannot drop a true neighbour.</summary>
    private const long Margin = 16;

    /// <summary>
    /// [n, k] distances (float64, ascending) and [n, k] indices of each sample's k nearest other samples. The same
    /// distances as scikit-learn's NearestNeighbors(k + 1).kneighbors(x) without its first column (the sample itself).
    /// Candidates come from a float32 pass (the n × n products dominate the cost, and float32 halves it), then the k + 16
    /// best of each row are measured again in float64 and ranked.
    /// </summary>
    public static (torch.Tensor Distances, torch.Tensor Indices) Find(torch.Tensor features, int k)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // float32 for the products; rows are widened to float64 only where they are re-measured (a full float64
        // copy of 70,000 images would be 440 MB of the search's peak).
        var source = features.reshape(features.shape[0], -1);
        var x = source.to(torch.float32);
        var n = x.shape[0];
        if (k >= n)
        {
            throw new ArgumentException($"{k} nearest neighbours need more than {k} samples; the data set has {n}");
        }
        var squared = x.square().sum(1);
        var candidates = Math.Min(k + Margin, n - 1);
        var distances = new List<torch.Tensor>();
        var indices = new List<torch.Tensor>();
        const long chunk = 1024;
        for (long start = 0; start < n; start += chunk)
        {
            // Each chunk's [1024, n] temporaries are freed before the next one.
            using var chunkScope = torch.NewDisposeScope();
            var length = Math.Min(chunk, n - start);
            var d2 = PairwiseSquaredDistances.RowsAgainstAll(x, squared, start, length);
            // Exclude each row's own sample (rather than dropping the nearest, which a duplicate may be).
            d2.diagonal(offset: start).fill_(float.PositiveInfinity);
            var (_, nearest) = d2.topk((int)candidates, dim: 1, largest: false, sorted: false);
            var refined = (source.index_select(0, nearest.reshape(-1)).to(torch.float64).reshape(length, candidates, -1) -
                           source.narrow(0, start, length).to(torch.float64).unsqueeze(1)).pow_(2).sum(2);
            var (values, order) = refined.topk(k, dim: 1, largest: false, sorted: true);
            distances.Add(values.sqrt().MoveToOuterDisposeScope());
            indices.Add(nearest.gather(1, order).MoveToOuterDisposeScope());
        }
        return (torch.cat(distances, 0).MoveToOuterDisposeScope(), torch.cat(indices, 0).MoveToOuterDisposeScope());
    }
}
