using Taxonomy.Abstractions.Results;

namespace Taxonomy.Tests.Metrics;

/// <summary>Hand-written and random cluster trees for the tree and tree-metric tests.</summary>
internal static class TestTrees
{
    /// <summary>
    /// Nodes from (Parent, Left, Right, SplitOrder) per id, centre [id, -id]; a leaf's Size is the number of samples
    /// <paramref name="leafOfSample"/> puts in it, a split node's the sum of its children's (indices out of range
    /// count 0, so broken structures can be written too).
    /// </summary>
    public static ClusterTreeNode[] Nodes(int[] leafOfSample, params (int Parent, int Left, int Right, int SplitOrder)[] spec)
    {
        var size = new long[spec.Length];
        // Fixed-point sweeps: enough for any tree of this many nodes, and they end on cycles too.
        for (var sweep = 0; sweep <= spec.Length; sweep++)
        {
            for (var i = 0; i < spec.Length; i++)
            {
                size[i] = spec[i].Left == -1 && spec[i].Right == -1
                    ? leafOfSample.Count(leaf => leaf == i)
                    : SizeAt(spec[i].Left) + SizeAt(spec[i].Right);
            }
        }
        return spec.Select((s, i) => new ClusterTreeNode(i, s.Parent, s.Left, s.Right, [i, -i], (int)Math.Min(size[i], int.MaxValue), s.SplitOrder))
            .ToArray();

        long SizeAt(int id) => id >= 0 && id < spec.Length ? Math.Min(size[id], int.MaxValue) : 0;
    }

    public static ClusterTree Build(int[] leafOfSample, params (int Parent, int Left, int Right, int SplitOrder)[] spec) =>
        new(Nodes(leafOfSample, spec));

    /// <summary>
    /// ClustPy's test tree (clustpy/hierarchical/tests: split 0, 0, 0, 1, 1), ids in creation order:
    /// <code>
    /// 0 (split 0)
    /// ├── 1 (split 1)            clusters {0, 2, 3}
    /// │   ├── 3 (split 2)        clusters {0, 3}
    /// │   │   ├── 5  leaf        cluster 0
    /// │   │   └── 6  leaf        cluster 3
    /// │   └── 4  leaf            cluster 2
    /// └── 2 (split 3)            clusters {1, 4, 5}
    ///     ├── 7 (split 4)        clusters {1, 5}
    ///     │   ├── 9  leaf        cluster 1
    ///     │   └── 10 leaf        cluster 5
    ///     └── 8  leaf            cluster 4
    /// </code>
    /// </summary>
    public static ClusterTree SixLeaves(int[] leafOfSample) => Build(leafOfSample,
        (-1, 1, 2, 0),
        (0, 3, 4, 1),
        (0, 7, 8, 3),
        (1, 5, 6, 2),
        (1, -1, -1, -1),
        (3, -1, -1, -1),
        (3, -1, -1, -1),
        (2, 9, 10, 4),
        (2, -1, -1, -1),
        (7, -1, -1, -1),
        (7, -1, -1, -1));

    /// <summary>The leaf of each of ClustPy's cluster ids 0..5 in <see cref="SixLeaves"/>.</summary>
    public static readonly int[] SixLeavesLeafOfCluster = [5, 9, 4, 6, 8, 10];

    /// <summary>
    /// A random tree: leaves − 1 splits of uniformly chosen leaves, node ids then shuffled (root kept at 0) so ids
    /// say nothing about the split order; samples go to uniformly chosen leaves (some may stay empty) and get
    /// uniform labels 0..labels-1.
    /// </summary>
    public static (ClusterTree Tree, int[] LeafOfSample, int[] Labels) Random(Random random, int leaves, int samples, int labels)
    {
        var parent = new List<int> { -1 };
        var left = new List<int> { -1 };
        var right = new List<int> { -1 };
        var order = new List<int> { -1 };
        var currentLeaves = new List<int> { 0 };
        for (var s = 0; s < leaves - 1; s++)
        {
            var pick = random.Next(currentLeaves.Count);
            var node = currentLeaves[pick];
            currentLeaves.RemoveAt(pick);
            foreach (var side in new[] { left, right })
            {
                side[node] = parent.Count;
                currentLeaves.Add(parent.Count);
                parent.Add(node);
                left.Add(-1);
                right.Add(-1);
                order.Add(-1);
            }
            order[node] = s;
        }

        var count = parent.Count;
        var newId = new int[count];
        var shuffled = Enumerable.Range(1, count - 1).OrderBy(_ => random.Next()).ToArray();
        for (var i = 1; i < count; i++)
        {
            newId[i] = shuffled[i - 1];
        }
        int Map(int id) => id < 0 ? -1 : newId[id];

        var spec = new (int Parent, int Left, int Right, int SplitOrder)[count];
        for (var i = 0; i < count; i++)
        {
            spec[newId[i]] = (Map(parent[i]), Map(left[i]), Map(right[i]), order[i]);
        }

        var leafIds = currentLeaves.Select(Map).ToArray();
        var leafOfSample = Enumerable.Range(0, samples).Select(_ => leafIds[random.Next(leafIds.Length)]).ToArray();
        var sampleLabels = Enumerable.Range(0, samples).Select(_ => random.Next(labels)).ToArray();
        return (Build(leafOfSample, spec), leafOfSample, sampleLabels);
    }
}
