namespace Taxonomy.Blocks.Projection;

/// <summary>
/// The t-SNE objective in O(n log n) per step (van der Maaten 2014): attraction over the sparse nearest-neighbour P,
/// repulsion Σ_j w_ij² (y_i − y_j) / Z and Z = Σ_ij w_ij from a quadtree, where a cell of width w at distance r from
/// y_i stands for its points at their centre of mass when w / r &lt; θ. Points are independent, so they run in
/// parallel; each point's terms land in its own slot and Z is summed in point order, so the thread count cannot change a
/// result.
/// </summary>
internal sealed class BarnesHutTsneObjective(SparseAffinities p, double theta) : ITsneObjective
{
    private readonly double _thetaSquared = theta * theta;

    public double Evaluate(double[] map, double[] gradient, double exaggeration, bool withError)
    {
        var n = p.Count;
        var tree = new QuadTree(map);
        var repulsion = new double[2 * n];
        var zTerms = new double[n];
        // As many workers as libtorch's threads: a run's "threads" setting bounds all of its compute, this loop's too.
        var workers = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, TorchSharp.torch.get_num_threads()) };
        Parallel.For(0, n, workers, i => zTerms[i] = Repulsion(tree, map, i, repulsion));
        var z = 0.0;
        for (var i = 0; i < n; i++)
        {
            z += zTerms[i];
        }
        var errors = new double[n];
        Parallel.For(0, n, workers, i =>
        {
            double ax = 0, ay = 0, error = 0;
            double xi = map[2 * i], yi = map[2 * i + 1];
            for (var e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
            {
                var j = p.Columns[e];
                double dx = xi - map[2 * j], dy = yi - map[2 * j + 1];
                var w = 1 / (1 + dx * dx + dy * dy);
                var pw = p.Values[e] * w;
                ax += pw * dx;
                ay += pw * dy;
                if (withError)
                {
                    error += p.Values[e] * Math.Log(Math.Max(p.Values[e], double.Epsilon) / Math.Max(w / z, double.Epsilon));
                }
            }
            gradient[2 * i] = 4 * (exaggeration * ax - repulsion[2 * i] / z);
            gradient[2 * i + 1] = 4 * (exaggeration * ay - repulsion[2 * i + 1] / z);
            errors[i] = error;
        });
        return withError ? errors.Sum() : double.NaN;
    }

    /// <summary>Writes Σ_j w_ij² (y_i − y_j) for point i into its slot of <paramref name="force"/>; returns Σ_j w_ij.</summary>
    private double Repulsion(QuadTree tree, double[] map, int i, double[] force)
    {
        double xi = map[2 * i], yi = map[2 * i + 1];
        double fx = 0, fy = 0, z = 0;
        Span<int> stack = stackalloc int[4 * 70];
        var top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            var cell = stack[--top];
            var count = tree.Count(cell);
            if (count == 0)
            {
                continue;
            }
            double sumX = tree.SumX(cell), sumY = tree.SumY(cell);
            var leaf = tree.IsLeaf(cell);
            if (leaf && tree.LeafHolds(cell, i))
            {
                // The point itself is no neighbour of its own: only the others in its leaf count.
                (count, sumX, sumY) = (count - 1, sumX - xi, sumY - yi);
                if (count == 0)
                {
                    continue;
                }
            }
            double dx = xi - sumX / count, dy = yi - sumY / count;
            var d2 = dx * dx + dy * dy;
            var width = tree.Width(cell);
            if (leaf || width * width < _thetaSquared * d2)
            {
                var w = 1 / (1 + d2);
                z += count * w;
                var w2 = count * w * w;
                fx += w2 * dx;
                fy += w2 * dy;
            }
            else
            {
                var first = tree.FirstChild(cell);
                for (var c = 0; c < 4; c++)
                {
                    stack[top++] = first + c;
                }
            }
        }
        force[2 * i] = fx;
        force[2 * i + 1] = fy;
        return z;
    }
}
