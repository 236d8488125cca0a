using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// Online (stochastic gradient) k-means (Bottou &amp; Bengio, "Convergence properties of the k-means algorithms",
/// NIPS 1994; MacQueen's update): the points are visited one at a time in random order, and the nearest centre j
/// moves by c_j ← c_j + (x − c_j) / n_j, n_j counting the points j has taken so far, i.e. a gradient step on the
/// k-means loss with the per-centre learning rate 1/n_j. Passes over the data repeat until the centres move less than
/// the tolerance over a whole pass, or <c>maxPasses</c>. Rows come chunk by chunk, so they may be streamed.
/// </summary>
public sealed class SgdKMeans(int sampleBatchSize = 1024, int maxPasses = 100) : StreamingKMeans(sampleBatchSize)
{
    protected override int Refine(RowChunks rows, Tensor centres, double tolerance, Generator generator)
    {
        var k = (int)centres.shape[0];
        var d = (int)centres.shape[1];
        var c = centres.data<float>().ToArray();
        var counts = new long[k];
        var updates = 0;
        for (var pass = 0; pass < maxPasses; pass++)
        {
            var before = (float[])c.Clone();
            foreach (var chunk in ShuffledChunks(rows, generator))
            {
                using (chunk)
                {
                    var x = chunk.data<float>().ToArray();
                    for (var offset = 0; offset < x.Length; offset += d)
                    {
                        var j = Nearest(x, offset, c, k, d);
                        var rate = 1f / ++counts[j];
                        for (var f = 0; f < d; f++)
                        {
                            c[j * d + f] += rate * (x[offset + f] - c[j * d + f]);
                        }
                        updates++;
                    }
                }
            }
            var shift = 0.0;
            for (var i = 0; i < c.Length; i++)
            {
                shift += (double)(c[i] - before[i]) * (c[i] - before[i]);
            }
            if (shift <= tolerance)
            {
                break;
            }
        }
        using var learned = tensor(c, [k, d]);
        centres.copy_(learned);
        return updates;
    }

    private static int Nearest(float[] x, int offset, float[] c, int k, int d)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var j = 0; j < k; j++)
        {
            var distance = 0.0;
            for (var f = 0; f < d; f++)
            {
                var diff = x[offset + f] - c[j * d + f];
                distance += diff * diff;
            }
            if (distance < bestDistance)
            {
                (best, bestDistance) = (j, distance);
            }
        }
        return best;
    }
}
