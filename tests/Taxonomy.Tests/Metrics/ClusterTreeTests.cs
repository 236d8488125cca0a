using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Results;
using Taxonomy.Blocks.Metrics;

namespace Taxonomy.Tests.Metrics;

[TestFixture]
public sealed class ClusterTreeTests
{
    private const int Leaf = -1;

    [Test]
    public void A_valid_tree_lists_its_leaves_ascending()
    {
        var tree = TestTrees.SixLeaves([]);

        Assert.That(tree.Count, Is.EqualTo(11));
        Assert.That(tree.Leaves, Is.EqualTo(new[] { 4, 5, 6, 8, 9, 10 }));
        Assert.That(tree.IsLeaf(4), Is.True);
        Assert.That(tree.IsLeaf(3), Is.False);
        Assert.That(tree.IsLeaf(11), Is.False);
        Assert.That(tree.Dimension, Is.EqualTo(2));
    }

    [Test]
    public void A_single_root_is_a_tree_with_one_leaf()
    {
        var tree = TestTrees.Build([0, 0], (-1, Leaf, Leaf, -1));

        Assert.That(tree.Leaves, Is.EqualTo(new[] { 0 }));
        Assert.That(tree.CutNodes(3), Is.EqualTo(new[] { 0 }));
        Assert.That(tree.Cut([0, 0], 3), Is.EqualTo(new[] { 0, 0 }));
    }

    [Test]
    public void The_tree_copies_the_nodes_it_is_given()
    {
        var nodes = TestTrees.Nodes([], (-1, Leaf, Leaf, -1));
        var tree = new ClusterTree(nodes);

        nodes[0].Center[0] = 42f;

        Assert.That(tree.Nodes[0].Center[0], Is.EqualTo(0f));
    }

    // The cut keeps the earliest splits. In SixLeaves the splits are: 0 root, 1 node 1, 2 node 3, 3 node 2, 4 node 7.
    [Test]
    public void Cut_at_one_cluster_is_the_root()
    {
        var tree = TestTrees.SixLeaves([]);

        Assert.That(tree.CutNodes(1), Is.EqualTo(new[] { 0 }));
        Assert.That(tree.Cut([4, 5, 10, 8], 1), Is.EqualTo(new[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void Cut_at_two_clusters_is_the_roots_children()
    {
        var tree = TestTrees.SixLeaves([]);

        Assert.That(tree.CutNodes(2), Is.EqualTo(new[] { 1, 2 }));
        // Leaves 4, 5, 6 lie below node 1 (cluster 0); 8, 9, 10 below node 2 (cluster 1).
        Assert.That(tree.Cut([4, 5, 6, 8, 9, 10], 2), Is.EqualTo(new[] { 0, 0, 0, 1, 1, 1 }));
    }

    [Test]
    public void Cut_at_three_clusters_splits_the_node_split_first_not_the_one_split_last()
    {
        var tree = TestTrees.SixLeaves([]);

        // Cut {1, 2}: node 1 was split second (SplitOrder 1), node 2 fourth (3). Splitting node 1 gives {2, 3, 4};
        // splitting the later one would give {1, 7, 8}.
        Assert.That(tree.CutNodes(3), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(tree.CutNodes(4), Is.EqualTo(new[] { 2, 4, 5, 6 }));
        Assert.That(tree.CutNodes(5), Is.EqualTo(new[] { 4, 5, 6, 7, 8 }));
        // Leaves 5, 6 lie below node 3 (index 1 of {2, 3, 4}), leaf 4 is itself (index 2), 8, 9, 10 below node 2 (0).
        Assert.That(tree.Cut([5, 6, 4, 8, 9, 10], 3), Is.EqualTo(new[] { 1, 1, 2, 0, 0, 0 }));
    }

    [Test]
    public void Cut_at_the_number_of_leaves_and_above_gives_the_leaves()
    {
        var tree = TestTrees.SixLeaves([]);
        int[] leafOfSample = [10, 4, 9, 5, 8, 6];

        Assert.That(tree.CutNodes(6), Is.EqualTo(tree.Leaves));
        Assert.That(tree.CutNodes(7), Is.EqualTo(tree.Leaves));
        Assert.That(tree.CutNodes(1000), Is.EqualTo(tree.Leaves));
        // Leaves 4, 5, 6, 8, 9, 10 are clusters 0..5.
        Assert.That(tree.Cut(leafOfSample, 6), Is.EqualTo(new[] { 5, 0, 4, 1, 3, 2 }));
        Assert.That(tree.Cut(leafOfSample, 50), Is.EqualTo(new[] { 5, 0, 4, 1, 3, 2 }));
    }

    [Test]
    public void Cut_reproduces_ClustPy_pruning_to_five_leaves()
    {
        // ClustPy's prune test (clustpy/hierarchical/tests/test_cluster_tree.py via test_leaf_purity): the SixLeaves
        // splits, then splits of clusters 5, 6, 7, 8; pruned to 5 leaf nodes, clusters 5..9 merge into cluster 1.
        // Ids in creation order: 0 root; 1, 2; 3, 4 (cluster 2); 5 (cluster 0), 6 (cluster 3); 7, 8 (cluster 4);
        // 9 (cluster 1), 10; 11 (cluster 5), 12; 13 (cluster 6), 14; 15 (cluster 7), 16; 17 (cluster 8), 18 (cluster 9).
        var tree = TestTrees.Build([],
            (-1, 1, 2, 0), (0, 3, 4, 1), (0, 7, 8, 3), (1, 5, 6, 2), (1, Leaf, Leaf, -1), (3, Leaf, Leaf, -1),
            (3, Leaf, Leaf, -1), (2, 9, 10, 4), (2, Leaf, Leaf, -1), (7, Leaf, Leaf, -1), (7, 11, 12, 5),
            (10, Leaf, Leaf, -1), (10, 13, 14, 6), (12, Leaf, Leaf, -1), (12, 15, 16, 7), (14, Leaf, Leaf, -1),
            (14, 17, 18, 8), (16, Leaf, Leaf, -1), (16, Leaf, Leaf, -1));
        int[] leafOfCluster = [5, 9, 4, 6, 8, 11, 13, 15, 17, 18];
        int[] clustPyClusters = [0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9];
        var leafOfSample = clustPyClusters.Select(c => leafOfCluster[c]).ToArray();

        var cut = tree.Cut(leafOfSample, 5);

        // The first four splits stay: cut {4, 5, 6, 7, 8}; every leaf below node 7 (9, 11, 13, 15, 17, 18) is cluster 3.
        Assert.That(tree.CutNodes(5), Is.EqualTo(new[] { 4, 5, 6, 7, 8 }));
        Assert.That(cut, Is.EqualTo(new[] { 1, 1, 3, 0, 0, 2, 4, 4, 3, 3, 3, 3, 3, 3, 3 }));
        // ClustPy's pruned labels [0,0,1,2,2,3,4,4,1,1,1,1,1,1,1] are the same partition; its leaf purity of the pruned
        // tree, 10/15, is the purity of this cut.
        int[] labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
        Assert.That(ClusteringMetrics.Purity(labels, cut), Is.EqualTo(10.0 / 15).Within(1e-12));
    }

    [Test]
    public void Each_larger_cut_replaces_the_earliest_split_node_of_the_cut_by_its_children_on_random_trees()
    {
        var random = new Random(20261203);
        for (var trial = 0; trial < 30; trial++)
        {
            var (tree, leafOfSample, _) = TestTrees.Random(random, leaves: random.Next(1, 12), samples: 40, labels: 3);
            for (var k = 1; k < tree.Leaves.Count; k++)
            {
                var cut = tree.CutNodes(k);
                var next = tree.CutNodes(k + 1);
                Assert.That(cut, Has.Length.EqualTo(k));
                var earliest = cut.Where(id => !tree.IsLeaf(id)).MinBy(id => tree.Nodes[id].SplitOrder);
                var expected = cut.Where(id => id != earliest)
                    .Concat([tree.Nodes[earliest].Left, tree.Nodes[earliest].Right]).Order().ToArray();
                Assert.That(next, Is.EqualTo(expected), $"trial {trial}, k {k}");
                Assert.That(tree.Nodes[earliest].SplitOrder, Is.EqualTo(k - 1), "the k-th cut adds the split numbered k-1");

                // Every sample's cluster is the cut node above its leaf.
                var clusters = tree.Cut(leafOfSample, k);
                for (var i = 0; i < leafOfSample.Length; i++)
                {
                    var node = leafOfSample[i];
                    while (Array.IndexOf(cut, node) < 0)
                    {
                        node = tree.Nodes[node].Parent;
                    }
                    Assert.That(clusters[i], Is.EqualTo(Array.IndexOf(cut, node)));
                }
            }
        }
    }

    [Test]
    public void Cut_rejects_k_below_one_and_samples_outside_the_leaves()
    {
        var tree = TestTrees.SixLeaves([]);

        Assert.Throws<ArgumentOutOfRangeException>(() => tree.CutNodes(0));
        var inner = Assert.Throws<ArgumentException>(() => tree.Cut([4, 3], 2))!;
        Assert.That(inner.Message, Does.StartWith("leafOfSample[1] is node 3, which has children; samples belong to leaves."));
        var outside = Assert.Throws<ArgumentException>(() => tree.Cut([11], 2))!;
        Assert.That(outside.Message, Does.StartWith("leafOfSample[0] is 11, but the tree's nodes are 0..10."));
    }

    private static IEnumerable<TestCaseData> InvalidTrees()
    {
        yield return Case("empty", [], "A cluster tree needs at least one node, the root.");
        yield return Case("id differs from index",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1)).Select((n, i) => i == 2 ? n with { Id = 5 } : n).ToArray(),
            "The node at index 2 has Id 5; node ids must equal their index.");
        yield return Case("root with a parent",
            TestTrees.Nodes([], (1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1)),
            "Node 0 is the root and must have Parent -1, but has Parent 1.");
        yield return Case("second root",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (-1, Leaf, Leaf, -1)),
            "Node 2 has Parent -1, but only node 0 is the root.");
        yield return Case("parent out of range",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (7, Leaf, Leaf, -1)),
            "Node 2 has Parent 7, which is not another node of 0..2.");
        yield return Case("one child",
            TestTrees.Nodes([], (-1, 1, Leaf, 0), (0, Leaf, Leaf, -1)),
            "Node 0 has Left 1 and Right -1; a node has two children or none (both -1).");
        yield return Case("both children the same",
            TestTrees.Nodes([], (-1, 1, 1, 0), (0, Leaf, Leaf, -1)),
            "Node 0 has node 1 as both children.");
        yield return Case("child whose parent is another node",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, 3, 4, 1), (0, Leaf, Leaf, -1), (1, Leaf, Leaf, -1), (2, Leaf, Leaf, -1)),
            "Node 1 has child 4, but node 4 has Parent 2.");
        yield return Case("parent that does not list the child",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1), (1, Leaf, Leaf, -1)),
            "Node 3 has Parent 1, but node 1's children are -1 and -1.");
        yield return Case("root as a child",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, 0, 3, 1), (0, Leaf, Leaf, -1), (1, Leaf, Leaf, -1)),
            "Node 1 has child 0; neither the root nor the node itself can be a child.");
        // Nodes 1 and 2 are each other's parent and child; links agree, but the root (a leaf) reaches neither.
        yield return Case("cycle",
            TestTrees.Nodes([], (-1, Leaf, Leaf, -1), (2, 2, 3, 0), (1, 1, 4, 1), (1, Leaf, Leaf, -1), (2, Leaf, Leaf, -1)),
            "Nodes 1, 2, 3, 4 cannot be reached from the root; their parent links form a cycle.");
        yield return Case("leaf with a split order",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, 1), (0, Leaf, Leaf, -1)),
            "Node 1 is a leaf and must have SplitOrder -1, but has 1.");
        yield return Case("split order out of range",
            TestTrees.Nodes([], (-1, 1, 2, 1), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1)),
            "Node 0 has SplitOrder 1; the tree's 1 split nodes carry 0..0.");
        yield return Case("split order twice",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, 3, 4, 1), (0, 5, 6, 1), (1, Leaf, Leaf, -1), (1, Leaf, Leaf, -1), (2, Leaf, Leaf, -1), (2, Leaf, Leaf, -1)),
            "Nodes 1 and 2 both have SplitOrder 1.");
        yield return Case("child split before its parent",
            TestTrees.Nodes([], (-1, 1, 2, 1), (0, 3, 4, 0), (0, Leaf, Leaf, -1), (1, Leaf, Leaf, -1), (1, Leaf, Leaf, -1)),
            "Node 1 has SplitOrder 0, below its parent 0's 1; a node is split after its parent.");
        yield return Case("size not the sum of the children's",
            TestTrees.Nodes([1, 2], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1)).Select(n => n.Id == 0 ? n with { Size = 3 } : n).ToArray(),
            "Node 0 has Size 3, but its children 1 and 2 hold 2 samples.");
        yield return Case("negative size",
            TestTrees.Nodes([], (-1, Leaf, Leaf, -1)).Select(n => n with { Size = -1 }).ToArray(),
            "Node 0 has a negative Size (-1).");
        yield return Case("centres of two dimensions",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1)).Select(n => n.Id == 1 ? n with { Center = [1f] } : n).ToArray(),
            "Node 1 has a Center of dimension 1, but node 0's has dimension 2.");
        yield return Case("non-finite centre",
            TestTrees.Nodes([], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, Leaf, Leaf, -1)).Select(n => n.Id == 2 ? n with { Center = [0f, float.NaN] } : n).ToArray(),
            "Node 2 has a non-finite Center[1] (NaN).");
        yield return Case("empty centre",
            TestTrees.Nodes([], (-1, Leaf, Leaf, -1)).Select(n => n with { Center = [] }).ToArray(),
            "Node 0 has an empty Center; centres need at least one coordinate.");

        static TestCaseData Case(string name, ClusterTreeNode[] nodes, string message) =>
            new TestCaseData(nodes, message).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(InvalidTrees))]
    public void Invalid_trees_are_rejected_with_what_is_wrong(ClusterTreeNode[] nodes, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new ClusterTree(nodes))!;

        Assert.That(error.Message, Does.StartWith(message));
    }

    [Test]
    public void Json_round_trip_keeps_every_field_and_every_float_bit()
    {
        var nodes = TestTrees.Nodes([1, 1, 3, 4], (-1, 1, 2, 0), (0, Leaf, Leaf, -1), (0, 3, 4, 1), (2, Leaf, Leaf, -1), (2, Leaf, Leaf, -1));
        float[][] centers = [[0.1f, -1e-7f], [float.MaxValue, float.Epsilon], [1f / 3, -0f], [123456.79f, 2f], [-3.5f, 0f]];
        var tree = new ClusterTree(nodes.Select((n, i) => n with { Center = centers[i] }).ToArray());

        var text = tree.ToJson().ToJsonString();
        var fromText = ClusterTree.FromJson(JsonNode.Parse(text));
        var fromObject = ClusterTree.FromJson(tree.ToJson());

        foreach (var copy in new[] { fromText, fromObject })
        {
            Assert.That(copy.Count, Is.EqualTo(tree.Count));
            for (var i = 0; i < tree.Count; i++)
            {
                var (a, b) = (tree.Nodes[i], copy.Nodes[i]);
                Assert.That((b.Id, b.Parent, b.Left, b.Right, b.Size, b.SplitOrder), Is.EqualTo((a.Id, a.Parent, a.Left, a.Right, a.Size, a.SplitOrder)));
                Assert.That(b.Center.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(a.Center.Select(BitConverter.SingleToInt32Bits)));
            }
        }
        Assert.That(text, Does.StartWith("{\"format\":\"taxonomy-cluster-tree\",\"version\":1,\"nodes\":[{\"id\":0,\"parent\":-1,\"left\":1,\"right\":2,\"size\":4,\"splitOrder\":0,\"center\":[0.1,-1E-07]}"));
    }

    private static IEnumerable<TestCaseData> DamagedJson()
    {
        var good = TestTrees.SixLeaves([4, 5, 9]).ToJson().ToJsonString();
        yield return Case("not an object", "[1, 2]", "A cluster tree must be a JSON object.");
        yield return Case("other format", good.Replace("taxonomy-cluster-tree", "scipy-linkage"),
            "A cluster tree needs \"format\": \"taxonomy-cluster-tree\"; found \"scipy-linkage\".");
        yield return Case("newer version", good.Replace("\"version\":1", "\"version\":2"),
            "The cluster tree has version 2; this build reads version 1 only.");
        yield return Case("no version", good.Replace("\"version\":1,", ""), "version must be an integer (32-bit); found nothing.");
        yield return Case("no nodes", "{\"format\":\"taxonomy-cluster-tree\",\"version\":1}",
            "The cluster tree's \"nodes\" must be an array; found nothing.");
        yield return Case("node not an object", "{\"format\":\"taxonomy-cluster-tree\",\"version\":1,\"nodes\":[3]}",
            "nodes[0] must be an object; found 3.");
        yield return Case("fractional size", good.Replace("\"id\":4,\"parent\":1,\"left\":-1,\"right\":-1,\"size\":1", "\"id\":4,\"parent\":1,\"left\":-1,\"right\":-1,\"size\":1.5"),
            "nodes[4].size must be an integer (32-bit); found 1.5.");
        yield return Case("parent as text", good.Replace("\"id\":3,\"parent\":1", "\"id\":3,\"parent\":\"1\""),
            "nodes[3].parent must be an integer (32-bit); found \"1\".");
        yield return Case("missing left", good.Replace("\"id\":2,\"parent\":0,\"left\":7,", "\"id\":2,\"parent\":0,"),
            "nodes[2].left must be an integer (32-bit); found nothing.");
        yield return Case("centre coordinate as text", good.Replace("\"center\":[5,-5]", "\"center\":[5,\"x\"]"),
            "nodes[5].center[1] must be a finite number; found \"x\".");
        yield return Case("centre beyond float", good.Replace("\"center\":[5,-5]", "\"center\":[5,1e40]"),
            "nodes[5].center[1] must be a finite number; found 1e40.");
        yield return Case("no centre", good.Replace(",\"center\":[5,-5]", ""),
            "nodes[5].center must be an array of numbers; found nothing.");
        yield return Case("child re-parented", good.Replace("\"id\":8,\"parent\":2", "\"id\":8,\"parent\":1"),
            "The cluster tree is not valid: Node 2 has child 8, but node 8 has Parent 1.");

        static TestCaseData Case(string name, string json, string message) => new TestCaseData(json, message).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(DamagedJson))]
    public void Damaged_json_is_rejected_naming_what_is_wrong(string json, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => ClusterTree.FromJson(JsonNode.Parse(json)))!;

        Assert.That(error.Message, Does.StartWith(message));
    }

    [Test]
    public void Damaged_json_replacements_hit_the_text_they_target()
    {
        // Guards the cases above: a replacement that finds nothing would leave a valid tree.
        var good = TestTrees.SixLeaves([4, 5, 9]).ToJson().ToJsonString();
        foreach (var fragment in new[]
                 {
                     "\"id\":4,\"parent\":1,\"left\":-1,\"right\":-1,\"size\":1", "\"id\":3,\"parent\":1", "\"id\":2,\"parent\":0,\"left\":7,",
                     "\"center\":[5,-5]", "\"id\":8,\"parent\":2", "\"version\":1,",
                 })
        {
            Assert.That(good, Does.Contain(fragment));
        }
    }
}
