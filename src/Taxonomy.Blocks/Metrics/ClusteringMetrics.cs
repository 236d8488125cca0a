namespace Taxonomy.Blocks.Metrics;

/// <summary>
/// External clustering metrics comparing predicted clusters with ground-truth labels.
/// NMI and ARI reproduce scikit-learn's <c>normalized_mutual_info_score</c> (arithmetic mean) and
/// <c>adjusted_rand_score</c>, special cases included, so our numbers compare with published ones.
/// Label and cluster ids may be any integers; only the partition they induce matters.
/// </summary>
public static class ClusteringMetrics
{
    // numpy's float64 machine epsilon; sklearn zeroes MI terms smaller than this.
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Unsupervised accuracy: the fraction of samples matched under the best one-to-one mapping of clusters
    /// to labels (Hungarian algorithm). With more clusters than labels, the extra clusters count as wrong.
    /// </summary>
    public static double Accuracy(int[] labels, int[] clusters)
    {
        var labelOf = MatchedLabels(labels, clusters);
        long matched = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labelOf.TryGetValue(clusters[i], out var label) && label == labels[i])
            {
                matched++;
            }
        }
        return (double)matched / labels.Length;
    }

    /// <summary>
    /// ACC's matching: the label each cluster is mapped to under the one-to-one mapping that matches the most samples
    /// (Hungarian algorithm). Clusters left over when there are more clusters than labels are not in the map.
    /// </summary>
    public static IReadOnlyDictionary<int, int> MatchedLabels(int[] labels, int[] clusters)
    {
        var table = ContingencyTable.Build(labels, clusters);
        // Rows are clusters, columns labels; maximising matches = minimising their negation.
        var cost = new double[table.ClusterCount, table.LabelCount];
        for (var c = 0; c < table.ClusterCount; c++)
        {
            for (var l = 0; l < table.LabelCount; l++)
            {
                cost[c, l] = -table.Counts[l, c];
            }
        }

        var labelOfCluster = HungarianAlgorithm.Solve(cost);
        var matching = new Dictionary<int, int>();
        for (var c = 0; c < labelOfCluster.Length; c++)
        {
            if (labelOfCluster[c] >= 0)
            {
                matching[table.ClusterValues[c]] = table.LabelValues[labelOfCluster[c]];
            }
        }
        return matching;
    }

    /// <summary>
    /// Mutual information divided by the arithmetic mean of the two entropies (natural log), as
    /// scikit-learn's default. 1 when both sides are a single class; 0 when the MI is 0.
    /// </summary>
    public static double NormalizedMutualInformation(int[] labels, int[] clusters)
    {
        var table = ContingencyTable.Build(labels, clusters);
        // Neither labelling splits the data: a perfect match.
        if (table.LabelCount == 1 && table.ClusterCount == 1)
        {
            return 1.0;
        }

        var mutualInformation = MutualInformation(table);
        // Not a perfect match (handled above), so no normalisation can lift it above 0.
        if (mutualInformation == 0.0)
        {
            return 0.0;
        }

        var normaliser = (Entropy(table.LabelTotals, table.Total) + Entropy(table.ClusterTotals, table.Total)) / 2.0;
        return mutualInformation / normaliser;
    }

    /// <summary>
    /// Rand index adjusted for chance (Hubert and Arabie), from the pair confusion matrix as scikit-learn
    /// computes it: 1 for a perfect match up to renaming, about 0 for random labellings, down to -0.5.
    /// </summary>
    public static double AdjustedRandIndex(int[] labels, int[] clusters)
    {
        var table = ContingencyTable.Build(labels, clusters);
        long n = table.Total;

        long sumSquares = 0;
        foreach (var count in table.Counts)
        {
            sumSquares += (long)count * count;
        }
        long labelSquares = table.LabelTotals.Sum(t => (long)t * t);
        long clusterSquares = table.ClusterTotals.Sum(t => (long)t * t);

        // Ordered pairs of distinct samples: together in both, only in clusters, only in labels, in neither.
        long truePositives = sumSquares - n;
        long falsePositives = clusterSquares - sumSquares;
        long falseNegatives = labelSquares - sumSquares;
        long trueNegatives = n * n - falsePositives - falseNegatives - sumSquares;

        if (falseNegatives == 0 && falsePositives == 0)
        {
            return 1.0;
        }

        // Products reach n⁴ (~2.4e19 for n = 70,000), past long; Int128 keeps them exact like Python's ints.
        Int128 numerator = (Int128)truePositives * trueNegatives - (Int128)falseNegatives * falsePositives;
        Int128 denominator = (Int128)(truePositives + falseNegatives) * (falseNegatives + trueNegatives)
            + (Int128)(truePositives + falsePositives) * (falsePositives + trueNegatives);
        return 2.0 * (double)numerator / (double)denominator;
    }

    /// <summary>Each cluster votes for its most frequent label; the fraction of samples that agree.</summary>
    public static double Purity(int[] labels, int[] clusters)
    {
        var table = ContingencyTable.Build(labels, clusters);
        long majority = 0;
        for (var c = 0; c < table.ClusterCount; c++)
        {
            var best = 0;
            for (var l = 0; l < table.LabelCount; l++)
            {
                best = Math.Max(best, table.Counts[l, c]);
            }
            majority += best;
        }
        return (double)majority / table.Total;
    }

    // sklearn's mutual_info_score: same term layout, tiny terms zeroed, result clipped at 0.
    private static double MutualInformation(ContingencyTable table)
    {
        if (table.LabelCount == 1 || table.ClusterCount == 1)
        {
            return 0.0;
        }

        double n = table.Total;
        var logN = Math.Log(n);
        var sum = 0.0;
        for (var l = 0; l < table.LabelCount; l++)
        {
            for (var c = 0; c < table.ClusterCount; c++)
            {
                var count = table.Counts[l, c];
                if (count == 0)
                {
                    continue;
                }
                var p = count / n;
                var outer = (double)((long)table.LabelTotals[l] * table.ClusterTotals[c]);
                var term = p * (Math.Log(count) - logN) + p * (-Math.Log(outer) + logN + logN);
                if (Math.Abs(term) >= MachineEpsilon)
                {
                    sum += term;
                }
            }
        }
        return Math.Max(sum, 0.0);
    }

    private static double Entropy(int[] totals, long n)
    {
        if (totals.Length == 1)
        {
            return 0.0;
        }
        var logN = Math.Log(n);
        var sum = 0.0;
        foreach (var total in totals)
        {
            sum += (double)total / n * (Math.Log(total) - logN);
        }
        return -sum;
    }

    /// <summary>Counts[l, c] = samples with the l-th smallest label and the c-th smallest cluster id.</summary>
    private sealed class ContingencyTable
    {
        private ContingencyTable(int[,] counts, int[] labelValues, int[] clusterValues)
        {
            (Counts, LabelValues, ClusterValues) = (counts, labelValues, clusterValues);
            LabelTotals = new int[LabelCount];
            ClusterTotals = new int[ClusterCount];
            for (var l = 0; l < LabelCount; l++)
            {
                for (var c = 0; c < ClusterCount; c++)
                {
                    LabelTotals[l] += counts[l, c];
                    ClusterTotals[c] += counts[l, c];
                }
            }
            Total = LabelTotals.Sum(t => (long)t);
        }

        public int[,] Counts { get; }

        /// <summary>The label of each row, ascending.</summary>
        public int[] LabelValues { get; }

        /// <summary>The cluster of each column, ascending.</summary>
        public int[] ClusterValues { get; }

        public int[] LabelTotals { get; }

        public int[] ClusterTotals { get; }

        public long Total { get; }

        public int LabelCount => Counts.GetLength(0);

        public int ClusterCount => Counts.GetLength(1);

        public static ContingencyTable Build(int[] labels, int[] clusters)
        {
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentNullException.ThrowIfNull(clusters);
            if (labels.Length != clusters.Length)
            {
                throw new ArgumentException(
                    $"labels and clusters must have equal lengths, but labels has {labels.Length} and clusters has {clusters.Length}.",
                    nameof(clusters));
            }
            if (labels.Length == 0)
            {
                throw new ArgumentException("labels and clusters are empty; a metric needs at least one sample.", nameof(labels));
            }

            var labelIndex = IndexOfValues(labels);
            var clusterIndex = IndexOfValues(clusters);
            var counts = new int[labelIndex.Count, clusterIndex.Count];
            for (var i = 0; i < labels.Length; i++)
            {
                counts[labelIndex[labels[i]], clusterIndex[clusters[i]]]++;
            }
            return new ContingencyTable(counts, [.. labelIndex.Keys.Order()], [.. clusterIndex.Keys.Order()]);
        }

        // Sorted like numpy.unique, so sums run in scikit-learn's order.
        private static Dictionary<int, int> IndexOfValues(int[] values)
        {
            var distinct = values.Distinct().Order().ToArray();
            var index = new Dictionary<int, int>(distinct.Length);
            for (var i = 0; i < distinct.Length; i++)
            {
                index[distinct[i]] = i;
            }
            return index;
        }
    }
}
