using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Tests.Clustering;

[TestFixture]
public sealed class EmbeddedClusterTreeTests
{
    /// <summary>Root split into a (left) and b; a split into a1 and a2. Leaves left to right: a1, a2, b.</summary>
    private static EmbeddedClusterTree ThreeLeaves()
    {
        var tree = new EmbeddedClusterTree([0f, 0f], capacity: 3);
        var (a, _) = tree.Split(tree.Root, [-2f, 0f], [2f, 0f], weight: 1);
        tree.Split(a, [-3f, 0f], [-1f, 0f], weight: 1);
        return tree;
    }

    [Test]
    public void Weights_follow_the_batches_and_split_centres_are_the_weighted_means_of_their_children()
    {
        var tree = ThreeLeaves();
        // Batch: a1 3 samples, a2 1, b 4. w ← ½w + ½n: a1 2, a2 1, b 2.5, a (4 samples) 2.5.
        tree.AdvanceWeights([3, 1, 4]);
        tree.UpdateSplitCentres();
        var a = tree.Root.Left!;
        Assert.That(new[] { a.Left!.Weight, a.Right!.Weight, tree.Root.Right!.Weight, a.Weight }, Is.EqualTo(new[] { 2.0, 1.0, 2.5, 2.5 }));
        // a = (2 · −3 + 1 · −1) / 3; root = (2.5 · a + 2.5 · 2) / 5.
        Assert.That(a.Centre[0], Is.EqualTo(-7.0 / 3).Within(1e-6));
        Assert.That(tree.Root.Centre[0], Is.EqualTo((-7.0 / 3 + 2) / 2).Within(1e-6));
    }

    [Test]
    public void Pruning_removes_a_node_that_lost_its_points_and_its_sibling_takes_the_parents_place()
    {
        var tree = ThreeLeaves();
        var a1 = tree.Root.Left!.Left!;
        var a2Slot = tree.Root.Left!.Right!.Slot;
        // a2 gets no samples: 1 → 0.5 → 0.25 → 0.125 stays, → 0.0625 falls below 0.1.
        for (var batch = 0; batch < 3; batch++)
        {
            tree.AdvanceWeights([10, 0, 10]);
            Assert.That(tree.PruneBelow(0.1), Is.Zero, $"batch {batch + 1}");
        }
        var parentWeight = tree.Root.Left!.Weight;
        tree.AdvanceWeights([10, 0, 10]);
        parentWeight = 0.5 * parentWeight + 5;
        Assert.That(tree.PruneBelow(0.1), Is.EqualTo(1));

        Assert.That(tree.Leaves, Has.Count.EqualTo(2));
        Assert.That(tree.Root.Left, Is.SameAs(a1), "a1 takes its parent's place under the root");
        Assert.That(a1.Parent, Is.SameAs(tree.Root));
        Assert.That(a1.Weight, Is.EqualTo(parentWeight), "and its parent's weight");
        // The freed slot is the one a new leaf takes.
        var (left, right) = tree.Split(tree.Root.Right!, [1f, 0f], [3f, 0f], weight: 1);
        Assert.That(new[] { left.Slot, right.Slot }, Does.Contain(a2Slot));
    }

    [Test]
    public void Pruning_a_child_of_the_root_makes_its_sibling_the_root()
    {
        var tree = ThreeLeaves();
        var a = tree.Root.Left!;
        tree.AdvanceWeights([0, 0, 0]);
        tree.AdvanceWeights([0, 0, 0]);
        tree.AdvanceWeights([0, 0, 0]);
        tree.AdvanceWeights([0, 0, 5]);   // b stays heavy, a and its leaves fall to 1/16
        Assert.That(tree.PruneBelow(0.1), Is.EqualTo(1));
        Assert.That(tree.Root.IsLeaf, Is.True);
        Assert.That(tree.Leaves, Has.Count.EqualTo(1));
        Assert.That(tree.Nodes, Does.Not.Contain(a));
    }

    [Test]
    public void A_leaf_can_only_be_split_below_capacity()
    {
        var tree = ThreeLeaves();
        Assert.Throws<InvalidOperationException>(() => tree.Split(tree.Root.Right!, [1f, 0f], [3f, 0f], 1));
        Assert.Throws<ArgumentException>(() => tree.Split(tree.Root, [1f, 0f], [3f, 0f], 1));
    }

    [Test]
    public void The_export_numbers_nodes_parents_first_with_sizes_and_the_order_of_the_surviving_splits()
    {
        // Root → a, b; a → a1, a2; a2 → x, y. Leaves: a1, x, y, b.
        var tree = new EmbeddedClusterTree([0f, 0f], capacity: 4);
        var (a, _) = tree.Split(tree.Root, [-2f, 0f], [2f, 0f], weight: 1);
        var (_, a2) = tree.Split(a, [-3f, 0f], [-1f, 0f], weight: 1);
        tree.Split(a2, [-1.5f, 0f], [-0.5f, 0f], weight: 1);
        // a1 gets no samples and is pruned: a2 takes a's place, and a's split (order 1) disappears.
        for (var batch = 0; batch < 4; batch++)
        {
            tree.AdvanceWeights([0, 5, 5, 5]);
        }
        Assert.That(tree.PruneBelow(0.1), Is.EqualTo(1));

        var (exported, leafIds) = tree.Export([4, 6, 7]);
        Assert.That(exported.Count, Is.EqualTo(5));
        Assert.That(exported.Nodes[0].Size, Is.EqualTo(17));
        Assert.That(exported.Nodes[1].SplitOrder, Is.EqualTo(1), "a2's split, the second that survives");
        Assert.That(exported.Nodes[0].SplitOrder, Is.EqualTo(0));
        Assert.That(leafIds.Select(id => exported.Nodes[id].Size), Is.EqualTo(new[] { 4, 6, 7 }));
        // The cut at 2 keeps the root's split only: {x, y} and {b}.
        Assert.That(exported.Cut(leafIds, 2), Is.EqualTo(new[] { 0, 0, 1 }));
    }

    [Test]
    public void The_tree_round_trips_through_its_serializer()
    {
        var tree = ThreeLeaves();
        tree.AdvanceWeights([3, 1, 4]);
        tree.UpdateSplitCentres();
        using var stream = new MemoryStream();
        EmbeddedClusterTree.Serializer.Write(new BinaryWriter(stream), tree);
        stream.Position = 0;
        var read = EmbeddedClusterTree.Serializer.Read(new BinaryReader(stream));

        Assert.That(read.Capacity, Is.EqualTo(tree.Capacity));
        Assert.That(read.Splits, Is.EqualTo(tree.Splits));
        Assert.That(read.Nodes.Select(Describe), Is.EqualTo(tree.Nodes.Select(Describe)));
        // The read tree knows its free slots: once a2 is pruned, splitting b takes a2's slot.
        var a2Slot = read.Leaves[1].Slot;
        for (var batch = 0; batch < 4; batch++)
        {
            read.AdvanceWeights([5, 0, 5]);
        }
        Assert.That(read.PruneBelow(0.1), Is.EqualTo(1));
        var (left, right) = read.Split(read.Leaves[1], [1f, 0f], [3f, 0f], 1);
        Assert.That(new[] { left.Slot, right.Slot }, Does.Contain(a2Slot));
    }

    [Test]
    public void A_damaged_tree_file_is_refused()
    {
        using var stream = new MemoryStream();
        EmbeddedClusterTree.Serializer.Write(new BinaryWriter(stream), ThreeLeaves());
        var bytes = stream.ToArray();
        var truncated = bytes[..^3];
        Assert.Throws<EndOfStreamException>(() => EmbeddedClusterTree.Serializer.Read(new BinaryReader(new MemoryStream(truncated))));
        var badVersion = (byte[])bytes.Clone();
        badVersion[0] = 9;
        Assert.That(() => EmbeddedClusterTree.Serializer.Read(new BinaryReader(new MemoryStream(badVersion))),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("version 9"));
        var badCount = (byte[])bytes.Clone();
        badCount[16] = 4;   // 4 nodes: no binary tree has an even count
        Assert.That(() => EmbeddedClusterTree.Serializer.Read(new BinaryReader(new MemoryStream(badCount))),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("nodes 4"));
    }

    private static string Describe(EmbeddedClusterTree.Node node) =>
        $"{node.IsLeaf} {node.SplitOrder} {node.Slot} {node.Weight} {string.Join(",", node.Centre)}";
}
