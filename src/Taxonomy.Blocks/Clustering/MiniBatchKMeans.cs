using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// Mini-batch k-means (Sculley, "Web-scale k-means clustering", WWW 2010), as scikit-learn's
/// <c>MiniBatchKMeans</c> computes it: each batch's points are assigned to their nearest centre, and centre j moves
/// by the running-mean rule c_j ← c_j + (Σ_batch x − m_j c_j) / n_j, where m_j is the batch's points in j and n_j its
/// count over all batches so far: Sculley's per-centre learning rate 1/n_j, applied point by point with the batch's
/// assignments, in one vectorised step. Batches are drawn within chunks in random order, so the rows may be streamed.
/// Stops after <c>maxPasses</c> passes, or when the smoothed batch inertia (scikit-learn's exponentially weighted
/// average) has not improved for <c>maxNoImprovement</c> batches. scikit-learn's reassignment of nearly empty
/// centres is not done; its centre-shift tolerance is off by default there and is not used here either.
/// </summary>
public sealed class MiniBatchKMeans(int batchSize = 1024, int maxPasses = 100, int maxNoImprovement = 10)
    : StreamingKMeans(batchSize)
{
    protected override int Refine(RowChunks rows, Tensor centres, double tolerance, Generator generator)
    {
        var k = centres.shape[0];
        using var counts = zeros(k, ScalarType.Float64);
        var alpha = Math.Min(1.0, BatchSize * 2.0 / (rows.Count + 1));
        double? smoothed = null;
        var best = double.PositiveInfinity;
        var withoutImprovement = 0;
        var steps = 0;
        for (var pass = 0; pass < maxPasses; pass++)
        {
            foreach (var chunk in ShuffledChunks(rows, generator))
            {
                using (chunk)
                {
                    for (long start = 0; start < chunk.shape[0]; start += BatchSize)
                    {
                        using var scope = NewDisposeScope();
                        var batch = chunk.narrow(0, start, Math.Min(BatchSize, chunk.shape[0] - start));
                        var batchInertia = Update(batch, centres, counts) / batch.shape[0];
                        // As scikit-learn: the first batch's inertia is that of the seeding, so it does not count.
                        if (steps++ == 0)
                        {
                            continue;
                        }
                        smoothed = smoothed is { } s ? s * (1 - alpha) + batchInertia * alpha : batchInertia;
                        if (smoothed < best)
                        {
                            (best, withoutImprovement) = (smoothed.Value, 0);
                        }
                        else if (++withoutImprovement >= maxNoImprovement)
                        {
                            return steps;
                        }
                    }
                }
            }
        }
        return steps;
    }

    /// <summary>One mini-batch step; returns the batch's inertia against the centres before the step.</summary>
    internal static double Update(Tensor batch, Tensor centres, Tensor counts)
    {
        var k = centres.shape[0];
        var (distances, labels) = KMeans.SquaredDistances(batch, centres).min(1);
        var inBatch = labels.bincount(null, k).to_type(ScalarType.Float64);
        counts.add_(inBatch);
        var sums = zeros_like(centres).index_add_(0, labels, batch, 1);
        var step = sums.sub_(centres.mul(inBatch.to_type(centres.dtype).unsqueeze(1)))
            .div_(counts.clamp_min(1).to_type(centres.dtype).unsqueeze(1));
        centres.add_(step);
        return distances.sum(ScalarType.Float64).item<double>();
    }
}
