using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Clustering;

/// <summary>How the dissimilarity of a merged cluster to the others is computed (the Lance–Williams update).</summary>
public enum Linkage
{
    /// <summary>Ward: the increase of the within-cluster sum of squares (scikit-learn's default).</summary>
    Ward,

    /// <summary>The mean distance between the two clusters' members.</summary>
    Average,

    /// <summary>The largest distance between the two clusters' members.</summary>
    Complete,

    /// <summary>The smallest distance between the two clusters' members.</summary>
    Single,
}

/// <summary>
/// Bottom-up hierarchical clustering of weighted points, cut at k clusters. The dendrogram is built by the
/// nearest-neighbour-chain algorithm over a full dissimilarity matrix (O(m²) time and memory, exact for these four
/// linkages, which are all reducible), then its m − k lowest merges are kept.
/// </summary>
internal static class Agglomerative
{
    /// <summary>
    /// Cluster index (0..k−1, numbered by first appearance) of each of the m <paramref name="points"/>, each standing for
    /// <paramref name="weights"/>[i] samples (1 for raw samples; a micro-cluster's size otherwise: its members are taken
    /// to sit at its mean, exact for Ward's objective, an approximation for the other linkages).
    /// </summary>
    public static int[] Cluster(double[][] points, double[] weights, int clusters, Linkage linkage)
    {
        var m = points.Length;
        if (clusters < 1 || clusters > m)
        {
            throw new ArgumentException($"agglomerative clustering into {clusters} clusters needs at least as many points; it has {m}");
        }
        var distances = Dissimilarities(points, weights, linkage);
        var merges = NearestNeighbourChain(distances, (double[])weights.Clone(), linkage);
        return Cut(merges, m, clusters);
    }

    /// <summary>
    /// Agglomerative clustering of feature rows [n, d] into k clusters: exact up to <paramref name="exactUpTo"/> rows,
    /// else over <paramref name="microClusters"/> k-means micro-clusters weighted by their sizes (each row takes its
    /// micro-cluster's cluster). Returns the labels and, for the log, how the hierarchy was built.
    /// </summary>
    public static (int[] Labels, string How) ClusterFeatures(torch.Tensor features, int clusters, Linkage linkage,
        int exactUpTo, int microClusters, IKMeans kmeans, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var x = features.to(torch.float64);
        var n = (int)x.shape[0];
        if (n <= exactUpTo)
        {
            return (Cluster(Rows(x), Enumerable.Repeat(1.0, n).ToArray(), clusters, linkage), $"{linkage} linkage over {n} samples");
        }
        var micro = Math.Max(microClusters, clusters);
        using var summary = kmeans.Fit(features.to(torch.float32), micro, new KMeansSettings { Restarts = 1 }, generator);
        var sizes = new double[micro];
        foreach (var label in summary.Labels)
        {
            sizes[label]++;
        }
        var used = Enumerable.Range(0, micro).Where(c => sizes[c] > 0).ToArray();   // k-means may leave a micro-cluster empty
        var centroids = Rows(summary.Centroids.to(torch.float64));
        var groups = Cluster(used.Select(c => centroids[c]).ToArray(), used.Select(c => sizes[c]).ToArray(), clusters, linkage);
        var groupOf = new int[micro];
        for (var i = 0; i < used.Length; i++)
        {
            groupOf[used[i]] = groups[i];
        }
        return (summary.Labels.Select(label => groupOf[label]).ToArray(),
            $"{linkage} linkage over {used.Length} k-means micro-clusters of the {n} samples");
    }

    private static double[][] Rows(torch.Tensor matrix)
    {
        var (rows, columns) = ((int)matrix.shape[0], (int)matrix.shape[1]);
        var flat = matrix.contiguous().data<double>().ToArray();
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
    }

    private static double[][] Dissimilarities(double[][] points, double[] weights, Linkage linkage)
    {
        var m = points.Length;
        var d = new double[m][];
        for (var i = 0; i < m; i++)
        {
            d[i] = new double[m];
        }
        Parallel.For(0, m, i =>
        {
            for (var j = i + 1; j < m; j++)
            {
                double squared = 0;
                for (var f = 0; f < points[i].Length; f++)
                {
                    var diff = points[i][f] - points[j][f];
                    squared += diff * diff;
                }
                // Ward works on squared distances; for singletons its Lance–Williams form starts from ‖x_i − x_j‖², and
                // for clusters A, B of sizes a, b at their means from 2ab/(a + b)·‖μ_A − μ_B‖².
                d[i][j] = linkage == Linkage.Ward
                    ? 2 * weights[i] * weights[j] / (weights[i] + weights[j]) * squared
                    : Math.Sqrt(squared);
            }
        });
        for (var i = 0; i < m; i++)
        {
            for (var j = i + 1; j < m; j++)
            {
                d[j][i] = d[i][j];
            }
        }
        return d;
    }

    /// <summary>All m − 1 merges (a, b, height); a keeps the merged cluster's row.</summary>
    private static List<(int A, int B, double Height)> NearestNeighbourChain(double[][] d, double[] size, Linkage linkage)
    {
        var m = d.Length;
        var active = Enumerable.Repeat(true, m).ToArray();
        var merges = new List<(int, int, double)>(m - 1);
        var chain = new List<int>();
        var next = 0;
        while (merges.Count < m - 1)
        {
            if (chain.Count == 0)
            {
                while (!active[next])
                {
                    next++;
                }
                chain.Add(next);
            }
            var a = chain[^1];
            var previous = chain.Count >= 2 ? chain[^2] : -1;
            var b = previous;
            var best = previous >= 0 ? d[a][previous] : double.PositiveInfinity;
            for (var c = 0; c < m; c++)
            {
                // Strictly nearer only: a tie keeps the previous element, which guarantees the chain ends in a pair.
                if (active[c] && c != a && d[a][c] < best)
                {
                    best = d[a][c];
                    b = c;
                }
            }
            if (b != previous)
            {
                chain.Add(b);
                continue;
            }
            chain.RemoveRange(chain.Count - 2, 2);
            merges.Add((a, b, best));
            Merge(d, size, active, a, b, linkage);
        }
        return merges;
    }

    /// <summary>Lance–Williams: row a becomes the merged cluster a ∪ b; b leaves.</summary>
    private static void Merge(double[][] d, double[] size, bool[] active, int a, int b, Linkage linkage)
    {
        var (na, nb, dab) = (size[a], size[b], d[a][b]);
        for (var k = 0; k < d.Length; k++)
        {
            if (!active[k] || k == a || k == b)
            {
                continue;
            }
            var (dak, dbk, nk) = (d[a][k], d[b][k], size[k]);
            var merged = linkage switch
            {
                Linkage.Single => Math.Min(dak, dbk),
                Linkage.Complete => Math.Max(dak, dbk),
                Linkage.Average => (na * dak + nb * dbk) / (na + nb),
                _ => ((na + nk) * dak + (nb + nk) * dbk - nk * dab) / (na + nb + nk),
            };
            d[a][k] = merged;
            d[k][a] = merged;
        }
        size[a] = na + nb;
        active[b] = false;
    }

    /// <summary>Keeps the m − k lowest merges (union–find) and numbers the k groups by first appearance.</summary>
    private static int[] Cut(List<(int A, int B, double Height)> merges, int m, int clusters)
    {
        var parent = Enumerable.Range(0, m).ToArray();
        int Find(int i)
        {
            while (parent[i] != i)
            {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }
        foreach (var (a, b, _) in merges.OrderBy(x => x.Height).Take(m - clusters))
        {
            parent[Find(b)] = Find(a);
        }
        var numbers = new Dictionary<int, int>();
        return Enumerable.Range(0, m).Select(i => Find(i)).Select(root =>
            numbers.TryGetValue(root, out var label) ? label : numbers[root] = numbers.Count).ToArray();
    }
}
