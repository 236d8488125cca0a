using Taxonomy.Blocks.Metrics;

namespace Taxonomy.Host.Plots;

/// <summary>
/// Labels against clusters after ACC's Hungarian matching: row i is a label, and where it was matched, column i is its
/// cluster, so the diagonal holds the matched counts (their sum over n is ACC). Labels and clusters left unmatched come
/// after the matched ones.
/// </summary>
/// <param name="Counts">[rows = labels, columns = clusters].</param>
public sealed record ConfusionMatrix(int[,] Counts, int[] Labels, int[] Clusters, int Matched)
{
    public static ConfusionMatrix Build(int[] labels, int[] clusters)
    {
        var clusterOf = ClusteringMetrics.MatchedLabels(labels, clusters).ToDictionary(m => m.Value, m => m.Key);
        var labelValues = labels.Distinct().Order().ToArray();
        var rows = labelValues.Where(clusterOf.ContainsKey).Concat(labelValues.Where(l => !clusterOf.ContainsKey(l))).ToArray();
        var matched = rows.TakeWhile(clusterOf.ContainsKey).Select(l => clusterOf[l]).ToArray();
        var columns = matched.Concat(clusters.Distinct().Order().Except(matched)).ToArray();
        var row = rows.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var column = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var counts = new int[rows.Length, columns.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            counts[row[labels[i]], column[clusters[i]]]++;
        }
        return new ConfusionMatrix(counts, rows, columns, matched.Length);
    }

    /// <summary>The samples on the diagonal: those whose cluster is matched to their label.</summary>
    public long Diagonal => Enumerable.Range(0, Matched).Sum(i => (long)Counts[i, i]);
}
