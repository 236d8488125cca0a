using Taxonomy.Abstractions.Results;
using Taxonomy.Blocks.Metrics;

namespace Taxonomy.Tests.Metrics;

// Dendrogram purity: the mean, over unordered pairs of two different samples with the same label c, of
// (samples of c below the pair's least common ancestor) / (samples below it). Values by hand below; the SixLeaves
// cases are also the expected values of ClustPy's clustpy/metrics/tests/test_hierarchical_metrics.py.
[TestFixture]
public sealed class TreeMetricsTests
{
    private const int Leaf = -1;
    private const double Tolerance = 1e-12;

    private static readonly int[] FiveLabelsOfThree = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];

    private static int[] LeavesOfClusters(params int[] clusters) => clusters.Select(c => TestTrees.SixLeavesLeafOfCluster[c]).ToArray();

    [Test]
    public void A_tree_whose_leaves_are_the_labels_scores_one()
    {
        // Every label fills one leaf alone: all 15 pairs have a pure leaf as ancestor.
        var leafOfSample = LeavesOfClusters(1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 0, 0, 0);
        var tree = TestTrees.SixLeaves(leafOfSample);

        Assert.That(TreeMetrics.DendrogramPurity(tree, leafOfSample, FiveLabelsOfThree), Is.EqualTo(1.0));
        Assert.That(TreeMetrics.LeafPurity(tree, leafOfSample, FiveLabelsOfThree), Is.EqualTo(1.0));
    }

    [Test]
    public void Two_labels_mixed_in_one_leaf_halve_the_purity_of_their_pairs()
    {
        // Labels 0 and 3 share cluster 0's leaf (6 samples, 3 of each); labels 1, 2, 4 have leaves of their own.
        // 5 labels × C(3, 2) = 15 pairs, all inside a leaf: 9 pure pairs + 6 pairs of purity 3/6.
        // DP = (9 · 1 + 6 · 0.5) / 15 = 12/15 = 0.8. LP = (3 + 3 + 3 + 3) / 15 = 0.8 (the mixed leaf's majority is 3).
        var leafOfSample = LeavesOfClusters(0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 3, 3, 3);
        var tree = TestTrees.SixLeaves(leafOfSample);

        Assert.That(TreeMetrics.DendrogramPurity(tree, leafOfSample, FiveLabelsOfThree), Is.EqualTo(0.8).Within(Tolerance));
        Assert.That(TreeMetrics.LeafPurity(tree, leafOfSample, FiveLabelsOfThree), Is.EqualTo(0.8).Within(Tolerance));
    }

    [Test]
    public void Labels_spread_over_three_leaves_score_their_share_of_the_ancestors()
    {
        // Each label puts one sample in each of the leaves of clusters 1 (leaf 9), 2 (leaf 4) and 3 (leaf 6).
        // Pairs (9, 4) and (9, 6) meet at the root: 3 of 15 samples share the label, 1/5. Pair (4, 6) meets at
        // node 1, whose leaves 4, 5, 6 hold 10 samples, 2 of the label: 1/5. DP = 1/5.
        // Every leaf holds one sample of each of the 5 labels: LP = 3 · 1 / 15 = 1/5.
        var leafOfSample = LeavesOfClusters(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        var tree = TestTrees.SixLeaves(leafOfSample);

        Assert.That(TreeMetrics.DendrogramPurity(tree, leafOfSample, FiveLabelsOfThree), Is.EqualTo(0.2).Within(Tolerance));
        Assert.That(TreeMetrics.LeafPurity(tree, leafOfSample, FiveLabelsOfThree), Is.EqualTo(0.2).Within(Tolerance));
    }

    [Test]
    public void Pairs_meeting_at_inner_nodes_score_the_inner_nodes_purity()
    {
        // 0 ── 1 leaf {a, a}
        //   └─ 2 ── 3 leaf {a, b}
        //        └─ 4 leaf {b, b}
        // Label a (samples 0, 1 in leaf 1; 2 in leaf 3): pair (0, 1) in leaf 1, purity 2/2; pairs (0, 2), (1, 2) at
        // the root, 3 a of 6: 1/2 each. Label b (3 in leaf 3; 4, 5 in leaf 4): pair (4, 5) in leaf 4, 2/2; pairs
        // (3, 4), (3, 5) at node 2, 3 b of 4: 3/4 each. DP = (1 + 0.5 + 0.5 + 1 + 0.75 + 0.75) / 6 = 4.5/6 = 0.75.
        // (Pairing samples with themselves would give (4.5 + 5) / 12 ≈ 0.792.) LP = (2 + 1 + 2) / 6 = 5/6.
        int[] leafOfSample = [1, 1, 3, 3, 4, 4];
        int[] labels = [7, 7, 7, -2, -2, -2];
        var tree = TestTrees.Build(leafOfSample, (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, 3, 4, 1), (2, Leaf, Leaf, -1), (2, Leaf, Leaf, -1));

        Assert.That(TreeMetrics.DendrogramPurity(tree, leafOfSample, labels), Is.EqualTo(0.75).Within(Tolerance));
        Assert.That(TreeMetrics.LeafPurity(tree, leafOfSample, labels), Is.EqualTo(5.0 / 6).Within(Tolerance));
    }

    [Test]
    public void Empty_leaves_count_for_nothing()
    {
        // Leaf 2 holds no sample. Leaf 1 holds {a, a, b}: one pair of a with purity 2/3; b has no pair. DP = 2/3.
        // LP = 2/3 (leaf 1's majority, 2 of 3 samples).
        int[] leafOfSample = [1, 1, 1];
        int[] labels = [0, 0, 1];
        var tree = TestTrees.Build(leafOfSample, (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1));

        Assert.That(TreeMetrics.DendrogramPurity(tree, leafOfSample, labels), Is.EqualTo(2.0 / 3).Within(Tolerance));
        Assert.That(TreeMetrics.LeafPurity(tree, leafOfSample, labels), Is.EqualTo(2.0 / 3).Within(Tolerance));
    }

    [Test]
    public void Dendrogram_purity_matches_the_pairwise_definition_on_random_trees()
    {
        var random = new Random(7031);
        for (var trial = 0; trial < 60; trial++)
        {
            var leaves = random.Next(1, 10);
            var labelCount = random.Next(1, 5);
            // More samples than labels, so some label has a pair.
            var samples = random.Next(labelCount + 1, 70);
            var (tree, leafOfSample, labels) = TestTrees.Random(random, leaves, samples, labelCount);

            var expected = BruteForceDendrogramPurity(tree, leafOfSample, labels);

            Assert.That(TreeMetrics.DendrogramPurity(tree, leafOfSample, labels), Is.EqualTo(expected).Within(1e-12),
                $"trial {trial}: {leaves} leaves, {samples} samples, {labelCount} labels");
        }
    }

    [Test]
    public void Leaf_purity_is_the_purity_of_the_leaves_as_clusters_on_random_trees()
    {
        var random = new Random(1207);
        for (var trial = 0; trial < 30; trial++)
        {
            var (tree, leafOfSample, labels) = TestTrees.Random(random, random.Next(1, 10), random.Next(1, 70), random.Next(1, 5));

            Assert.That(TreeMetrics.LeafPurity(tree, leafOfSample, labels),
                Is.EqualTo(ClusteringMetrics.Purity(labels, leafOfSample)).Within(1e-12), $"trial {trial}");
        }
    }

    [Test]
    public void Dendrogram_purity_is_undefined_without_a_pair_of_one_label()
    {
        var tree = TestTrees.Build([1, 2], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1));

        var error = Assert.Throws<ArgumentException>(() => TreeMetrics.DendrogramPurity(tree, [1, 2], [0, 1]))!;

        Assert.That(error.Message, Does.StartWith("Dendrogram purity is undefined here: no two samples share a label"));
    }

    [Test]
    public void Metrics_reject_mismatched_empty_and_non_leaf_inputs()
    {
        var tree = TestTrees.Build([1, 2], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1));

        foreach (var metric in new Func<ClusterTree, int[], int[], double>[] { TreeMetrics.DendrogramPurity, TreeMetrics.LeafPurity })
        {
            var lengths = Assert.Throws<ArgumentException>(() => metric(tree, [1, 2], [0]))!;
            Assert.That(lengths.Message, Does.StartWith("leafOfSample and labels must have equal lengths, but leafOfSample has 2 and labels has 1."));
            var empty = Assert.Throws<ArgumentException>(() => metric(tree, [], []))!;
            Assert.That(empty.Message, Does.StartWith("leafOfSample and labels are empty"));
            var inner = Assert.Throws<ArgumentException>(() => metric(tree, [1, 0], [0, 0]))!;
            Assert.That(inner.Message, Does.StartWith("leafOfSample[1] is node 0, which has children"));
        }
    }

    // O(n²) pairs; each pair's least common ancestor found by climbing parents; subtree contents by climbing from
    // every sample's leaf to the root.
    private static double BruteForceDendrogramPurity(ClusterTree tree, int[] leafOfSample, int[] labels)
    {
        var below = new Dictionary<(int Node, int Label), int>();
        var size = new int[tree.Count];
        for (var i = 0; i < leafOfSample.Length; i++)
        {
            for (var node = leafOfSample[i]; node != -1; node = tree.Nodes[node].Parent)
            {
                size[node]++;
                below[(node, labels[i])] = below.GetValueOrDefault((node, labels[i])) + 1;
            }
        }

        var sum = 0.0;
        var pairs = 0;
        for (var i = 0; i < leafOfSample.Length; i++)
        {
            for (var j = i + 1; j < leafOfSample.Length; j++)
            {
                if (labels[i] != labels[j])
                {
                    continue;
                }
                var ancestorsOfI = new HashSet<int>();
                for (var node = leafOfSample[i]; node != -1; node = tree.Nodes[node].Parent)
                {
                    ancestorsOfI.Add(node);
                }
                var lca = leafOfSample[j];
                while (!ancestorsOfI.Contains(lca))
                {
                    lca = tree.Nodes[lca].Parent;
                }
                sum += (double)below[(lca, labels[i])] / size[lca];
                pairs++;
            }
        }
        return sum / pairs;
    }
}
