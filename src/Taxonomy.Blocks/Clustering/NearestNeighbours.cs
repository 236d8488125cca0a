using TorchSharp;

namespace Taxonomy.Blocks.Clustering;

/// <summary>Exact k nearest neighbours of every sample (Euclidean, the sample itself excluded), rows in chunks.</summary>
internal static class NearestNeighbours
{
    /// <summary>
    /// [n, k] distances (float64, ascending) and [n, k] indices of each sample's k nearest other samples. The same
    /// distances as scikit-learn's NearestNeighbors(k + 1).kneighbors(x) without its first column (the sample itself).
    /// </summary>
    public static (torch.Tensor Distances, torch.Tensor Indices) Find(torch.Tensor features, int k)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = features.reshape(features.shape[0], -1).to(torch.float64);
        var n = x.shape[0];
        if (k >= n)
        {
            throw new ArgumentException($"{k} nearest neighbours need more than {k} samples; the data set has {n}");
        }
        var squared = x.square().sum(1);
        var distances = new List<torch.Tensor>();
        var indices = new List<torch.Tensor>();
        const long chunk = 1024;
        for (long start = 0; start < n; start += chunk)
        {
            // Each chunk's [1024, n] float64 temporaries (0.6 GB at n = 70,000) are freed before the next one.
            using var chunkScope = torch.NewDisposeScope();
            var length = Math.Min(chunk, n - start);
            var rows = x.narrow(0, start, length);
            var d2 = (squared.narrow(0, start, length).unsqueeze(1) + squared.unsqueeze(0) - 2 * rows.matmul(x.t())).clamp_min(0);
            // Exclude each row's own sample (rather than dropping the nearest, which a duplicate may be).
            d2.diagonal(offset: start).fill_(double.PositiveInfinity);
            var (values, where) = d2.topk(k, dim: 1, largest: false, sorted: true);
            distances.Add(values.sqrt().MoveToOuterDisposeScope());
            indices.Add(where.MoveToOuterDisposeScope());
        }
        return (torch.cat(distances, 0).MoveToOuterDisposeScope(), torch.cat(indices, 0).MoveToOuterDisposeScope());
    }
}
