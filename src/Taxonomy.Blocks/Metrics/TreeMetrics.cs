using Taxonomy.Abstractions.Results;

namespace Taxonomy.Blocks.Metrics;

/// <summary>
/// External metrics of a hierarchical result, as the DeepECT paper (Mautz et al., ICDM 2019; DSE 2020) reports
/// them, with the pair counting of ClustPy's <c>clustpy.metrics.hierarchical_metrics</c>. Samples are given by
/// their leaf (<c>leafOfSample</c>, node ids) and ground-truth label (any integers). Subtree contents are
/// counted from <c>leafOfSample</c>; the nodes' <see cref="ClusterTreeNode.Size"/> is not read.
/// </summary>
public static class TreeMetrics
{
    /// <summary>
    /// Dendrogram purity (Heller and Ghahramani 2005; Kobren et al. 2017): over all pairs of samples with the same
    /// label c, the mean purity of their least common ancestor v, purity(v, c) = samples of label c in v's subtree
    /// / samples in v's subtree. Pairs are unordered pairs of two different samples, as in ClustPy (ordered pairs
    /// give the same value; a sample is never paired with itself). Two samples in the same leaf have that leaf as
    /// their ancestor, so a leaf mixing labels lowers the score too. 1 when every leaf is pure and every label
    /// sits in one subtree that holds nothing else.
    /// <para>
    /// Counted per node instead of per pair: with n_c(v) the samples of label c below v, a split node v with children
    /// l and r is the ancestor of n_c(l) · n_c(r) pairs of label c, and a leaf of n_c(v) · (n_c(v) − 1) / 2. Time
    /// O(nodes · labels + samples), memory O(nodes). Throws when no two samples share a label (the mean is over no
    /// pairs).
    /// </para>
    /// </summary>
    public static double DendrogramPurity(ClusterTree tree, int[] leafOfSample, int[] labels)
    {
        var (classOfSample, classCount) = CheckAndIndex(tree, leafOfSample, labels);
        var order = ChildrenFirst(tree);
        var nodes = tree.Nodes;

        var size = new long[tree.Count];
        foreach (var leaf in leafOfSample)
        {
            size[leaf]++;
        }
        foreach (var v in order)
        {
            if (!tree.IsLeaf(v))
            {
                size[v] = size[nodes[v].Left] + size[nodes[v].Right];
            }
        }

        // The samples' leaves, grouped by class.
        var leavesOfClass = new List<int>[classCount];
        for (var c = 0; c < classCount; c++)
        {
            leavesOfClass[c] = [];
        }
        for (var i = 0; i < leafOfSample.Length; i++)
        {
            leavesOfClass[classOfSample[i]].Add(leafOfSample[i]);
        }

        var count = new long[tree.Count];
        var puritySum = 0.0;
        long pairs = 0;
        for (var c = 0; c < classCount; c++)
        {
            Array.Clear(count);
            foreach (var leaf in leavesOfClass[c])
            {
                count[leaf]++;
            }
            foreach (var v in order)
            {
                long pairsHere;
                if (tree.IsLeaf(v))
                {
                    pairsHere = count[v] * (count[v] - 1) / 2;
                }
                else
                {
                    var left = count[nodes[v].Left];
                    var right = count[nodes[v].Right];
                    count[v] = left + right;
                    pairsHere = left * right;
                }
                if (pairsHere > 0)
                {
                    puritySum += pairsHere * ((double)count[v] / size[v]);
                    pairs += pairsHere;
                }
            }
        }

        if (pairs == 0)
        {
            throw new ArgumentException(
                "Dendrogram purity is undefined here: no two samples share a label, so there are no pairs to average over.",
                nameof(labels));
        }
        return puritySum / pairs;
    }

    /// <summary>
    /// Leaf purity: the share of samples that carry their leaf's most frequent label, i.e. the mean over leaves of
    /// the majority-label fraction weighted by the leaf's sample count (ClustPy's <c>leaf_purity</c>). Leaves
    /// without samples count for nothing. With leaves as clusters it is the ordinary purity.
    /// </summary>
    public static double LeafPurity(ClusterTree tree, int[] leafOfSample, int[] labels)
    {
        var (classOfSample, _) = CheckAndIndex(tree, leafOfSample, labels);
        var countsOfLeaf = new Dictionary<int, Dictionary<int, long>>();
        for (var i = 0; i < leafOfSample.Length; i++)
        {
            if (!countsOfLeaf.TryGetValue(leafOfSample[i], out var counts))
            {
                counts = [];
                countsOfLeaf[leafOfSample[i]] = counts;
            }
            counts[classOfSample[i]] = counts.GetValueOrDefault(classOfSample[i]) + 1;
        }

        long majority = 0;
        foreach (var counts in countsOfLeaf.Values)
        {
            majority += counts.Values.Max();
        }
        return (double)majority / leafOfSample.Length;
    }

    private static (int[] ClassOfSample, int ClassCount) CheckAndIndex(ClusterTree tree, int[] leafOfSample, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(leafOfSample);
        ArgumentNullException.ThrowIfNull(labels);
        if (leafOfSample.Length != labels.Length)
        {
            throw new ArgumentException(
                $"leafOfSample and labels must have equal lengths, but leafOfSample has {leafOfSample.Length} and labels has {labels.Length}.",
                nameof(labels));
        }
        if (labels.Length == 0)
        {
            throw new ArgumentException("leafOfSample and labels are empty; a metric needs at least one sample.", nameof(labels));
        }
        tree.CheckLeafAssignment(leafOfSample, nameof(leafOfSample));

        var classOf = new Dictionary<int, int>();
        var classOfSample = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (!classOf.TryGetValue(labels[i], out var c))
            {
                c = classOf.Count;
                classOf[labels[i]] = c;
            }
            classOfSample[i] = c;
        }
        return (classOfSample, classOf.Count);
    }

    // Node ids such that every node comes after both its children: the reverse of a walk from the root.
    private static int[] ChildrenFirst(ClusterTree tree)
    {
        var order = new List<int>(tree.Count) { 0 };
        for (var i = 0; i < order.Count; i++)
        {
            var node = tree.Nodes[order[i]];
            if (!tree.IsLeaf(node.Id))
            {
                order.Add(node.Left);
                order.Add(node.Right);
            }
        }
        order.Reverse();
        return order.ToArray();
    }
}
