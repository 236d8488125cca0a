using Taxonomy.Blocks.Clustering;
using TorchSharp;

namespace Taxonomy.Blocks.Projection;

/// <summary>
/// The joint P of t-SNE restricted to nearest neighbours (van der Maaten 2014, §4.1), row-compressed: each p(·|i) is
/// calibrated over the ⌊3·perplexity⌋ + 1 nearest neighbours of i, then P = (C + Cᵀ) / Σ (C + Cᵀ), as scikit-learn's
/// "barnes_hut" method. Row i's entries are <see cref="Values"/>[<see cref="RowStart"/>[i] .. RowStart[i + 1]) at
/// columns <see cref="Columns"/>, sorted.
/// </summary>
internal sealed class SparseAffinities
{
    private SparseAffinities(int[] rowStart, int[] columns, double[] values)
    {
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    public int[] RowStart { get; }

    public int[] Columns { get; }

    public double[] Values { get; }

    public int Count => RowStart.Length - 1;

    public static SparseAffinities Create(torch.Tensor x, double perplexity)
    {
        using var scope = torch.NewDisposeScope();
        var n = (int)x.shape[0];
        var k = Math.Min(n - 1, (int)(3 * perplexity + 1));
        var (distances, indices) = NearestNeighbours.Find(x, k);
        var conditional = PerplexityCalibration.Conditional(distances.square(), perplexity);
        return Symmetrised(n, k, indices.to(torch.int32).data<int>().ToArray(), conditional.data<double>().ToArray());
    }

    /// <summary>C + Cᵀ normalised, from the [n, k] neighbour lists and their conditional probabilities.</summary>
    internal static SparseAffinities Symmetrised(int n, int k, int[] neighbours, double[] conditional)
    {
        // Each c(j|i) lands in row i at column j and in row j at column i; duplicates are merged after sorting.
        var counts = new int[n + 1];
        for (var e = 0; e < neighbours.Length; e++)
        {
            counts[e / k + 1]++;
            counts[neighbours[e] + 1]++;
        }
        for (var i = 0; i < n; i++)
        {
            counts[i + 1] += counts[i];
        }
        var fill = counts[..n];
        var columns = new int[counts[n]];
        var values = new double[counts[n]];
        for (var e = 0; e < neighbours.Length; e++)
        {
            var (i, j) = (e / k, neighbours[e]);
            columns[fill[i]] = j;
            values[fill[i]++] = conditional[e];
            columns[fill[j]] = i;
            values[fill[j]++] = conditional[e];
        }
        var rowStart = new int[n + 1];
        var merged = 0;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var (start, end) = (counts[i], counts[i + 1]);
            Array.Sort(columns, values, start, end - start);
            for (var e = start; e < end; e++)
            {
                if (merged > rowStart[i] && columns[merged - 1] == columns[e])
                {
                    values[merged - 1] += values[e];
                }
                else
                {
                    columns[merged] = columns[e];
                    values[merged++] = values[e];
                }
                total += values[e];
            }
            rowStart[i + 1] = merged;
        }
        Array.Resize(ref columns, merged);
        Array.Resize(ref values, merged);
        for (var e = 0; e < merged; e++)
        {
            values[e] /= total;
        }
        return new SparseAffinities(rowStart, columns, values);
    }
}
