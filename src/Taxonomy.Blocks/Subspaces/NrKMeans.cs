using TorchSharp;
using Taxonomy.Blocks.Clustering;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Subspaces;

/// <summary>What <see cref="NrKMeans"/> found: V [d, d], the rotated dimensions of each view, stacked rotated centroids, cost.</summary>
public sealed record NrKMeansResult(Tensor Rotation, int[][] DimensionsOfView, Tensor Centroids, double Cost);

/// <summary>
/// Non-redundant k-means (NrKmeans; Mautz et al., KDD 2018), ENRC's initialisation: one orthogonal V splits the space
/// into one subspace per view (a view with one cluster is ACeDeC's noise space); each view clusters the data projected
/// onto its own subspace with k-means. Alternates (1) k-means assignment and means in each view's subspace with
/// (2) for every pair of views, the eigen-decomposition of Vₚᵀ(S_i − S_j)Vₚ over their joint dimensions P (S the
/// within-cluster scatter in the input space): the new directions are the eigenvectors, and view i keeps those with
/// negative eigenvalues (where its clusters are tighter than j's), at least one each. Several seeded starts; lowest
/// cost Σ_i tr(Pᵢᵀ Vᵀ S_i V Pᵢ) wins.
/// </summary>
public static class NrKMeans
{
    public static NrKMeansResult Fit(Tensor data, int[] clusters, int starts, int iterations, Generator generator)
    {
        NrKMeansResult? best = null;
        for (var s = 0; s < starts; s++)
        {
            using var scope = NewDisposeScope();
            var candidate = Once(data.to(float64), clusters, iterations, generator);
            if (best is null || candidate.Cost < best.Cost)
            {
                best?.Rotation.Dispose();
                best?.Centroids.Dispose();
                candidate.Rotation.MoveToOuterDisposeScope();
                candidate.Centroids.MoveToOuterDisposeScope();
                best = candidate;
            }
        }
        return best!;
    }

    private static NrKMeansResult Once(Tensor x, int[] clusters, int iterations, Generator generator)
    {
        var (n, d) = ((int)x.shape[0], (int)x.shape[1]);
        var views = clusters.Length;
        var (q, _) = linalg.qr(randn([d, d], dtype: float64, generator: generator));
        var v = q;
        var dims = Enumerable.Range(0, views)
            .Select(i => Enumerable.Range(0, d).Where(j => j * views / d == i).ToArray()).ToArray();
        var means = new Tensor[views];   // per view: cluster means in the input space [k_i, d]
        for (var i = 0; i < views; i++)
        {
            var seeds = randperm(n, generator: generator).narrow(0, 0, clusters[i]);
            means[i] = x.index_select(0, seeds);
        }
        var labels = new Tensor[views];
        for (var it = 0; it < iterations; it++)
        {
            var changed = false;
            for (var i = 0; i < views; i++)
            {
                var p = v.index_select(1, tensor(Array.ConvertAll(dims[i], j => (long)j)));
                var assigned = KMeans.AssignNearest(x.mm(p), means[i].mm(p));
                changed |= labels[i] is null || !assigned.eq(labels[i]).all().item<bool>();
                labels[i] = assigned;
                means[i] = Means(x, assigned, means[i]);
            }
            var scatters = Enumerable.Range(0, views).Select(i => Scatter(x, labels[i], means[i])).ToArray();
            for (var i = 0; i < views; i++)
            {
                for (var j = i + 1; j < views; j++)
                {
                    (v, dims[i], dims[j]) = Split(v, dims[i], dims[j], scatters[i].sub(scatters[j]));
                }
            }
            if (!changed && it > 0)
            {
                break;
            }
        }
        var cost = 0.0;
        var rotatedCentroids = new Tensor[views];
        for (var i = 0; i < views; i++)
        {
            var p = v.index_select(1, tensor(Array.ConvertAll(dims[i], j => (long)j)));
            cost += p.t().mm(Scatter(x, labels[i], means[i])).mm(p).trace().item<double>();
            rotatedCentroids[i] = means[i].mm(v);
        }
        return new NrKMeansResult(v.to(float32), dims, cat(rotatedCentroids, 0).to(float32), cost);
    }

    /// <summary>Re-splits the joint dimensions of two views along the eigenvectors of Vₚᵀ(S_i − S_j)Vₚ.</summary>
    private static (Tensor V, int[] A, int[] B) Split(Tensor v, int[] a, int[] b, Tensor difference)
    {
        var joint = a.Concat(b).ToArray();
        var index = tensor(Array.ConvertAll(joint, j => (long)j));
        var p = v.index_select(1, index);
        var (values, vectors) = linalg.eigh(p.t().mm(difference).mm(p).add(p.t().mm(difference).mm(p).t()).div(2));
        var negative = (int)values.lt(0).sum().item<long>();
        var keep = Math.Clamp(negative, 1, joint.Length - 1);
        var rotated = v.clone();
        rotated.index_copy_(1, index, p.mm(vectors));   // eigenvalues ascending: the first 'keep' go to view a
        return (rotated, joint.Take(keep).ToArray(), joint.Skip(keep).ToArray());
    }

    /// <summary>Cluster means [k, d]; a cluster without samples keeps its mean.</summary>
    private static Tensor Means(Tensor x, Tensor labels, Tensor previous)
    {
        var k = previous.shape[0];
        var counts = labels.bincount(null, k).to(x.dtype).unsqueeze(1);
        var sums = zeros_like(previous).index_add_(0, labels, x, 1);
        return where(counts.gt(0), sums.div(counts.clamp_min(1)), previous);
    }

    /// <summary>Within-cluster scatter Σ (x − μ_c)(x − μ_c)ᵀ [d, d] in the input space.</summary>
    private static Tensor Scatter(Tensor x, Tensor labels, Tensor means)
    {
        var centred = x.sub(means.index_select(0, labels));
        return centred.t().mm(centred);
    }
}
