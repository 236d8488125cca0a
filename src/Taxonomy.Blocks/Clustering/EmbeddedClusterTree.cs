using TorchSharp;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// DeepECT's cluster tree while it is trained (Mautz, Plant, Böhm, ICDM 2019, Sec. III): a binary tree in the
/// embedding whose leaves are the clusters. Every node has a centre and, below the root, a weight that follows how
/// many samples of recent batches reached its subtree (w ← ½w + ½n); a split node's centre is the weighted mean of
/// its children's. Each leaf holds a slot: the row of the leaf-centre parameter the optimiser moves, so the number
/// of leaves is bounded by <see cref="Capacity"/>. Managed data only; the blocks move centres in and out of tensors.
/// </summary>
public sealed class EmbeddedClusterTree
{
    /// <summary>One node; a leaf has no children and a slot, a split node two children and a split order.</summary>
    public sealed class Node
    {
        internal Node(float[] centre, double weight, int slot)
        {
            Centre = centre;
            Weight = weight;
            Slot = slot;
        }

        public Node? Parent { get; internal set; }

        public Node? Left { get; internal set; }

        public Node? Right { get; internal set; }

        public float[] Centre { get; internal set; }

        /// <summary>The node's weight (the root's is never updated nor read).</summary>
        public double Weight { get; internal set; }

        /// <summary>When the node was split: 0 for the first split of the tree, 1 for the next, ...; -1 for a leaf.</summary>
        public int SplitOrder { get; internal set; } = -1;

        /// <summary>The leaf's row in the leaf-centre parameter; -1 for a split node.</summary>
        public int Slot { get; internal set; }

        public bool IsLeaf => Left is null;

        public Node? Sibling => Parent is null ? null : ReferenceEquals(Parent.Left, this) ? Parent.Right : Parent.Left;
    }

    /// <summary>The most leaves a tree may hold; it also bounds what a damaged model file can ask for.</summary>
    public const int MaxCapacity = 1000;

    private readonly SortedSet<int> _freeSlots;

    /// <summary>A tree of one leaf, the root, at <paramref name="rootCentre"/>, with room for <paramref name="capacity"/> leaves.</summary>
    public EmbeddedClusterTree(float[] rootCentre, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        if (rootCentre.Length == 0)
        {
            throw new ArgumentException("a centre needs at least one coordinate", nameof(rootCentre));
        }
        Capacity = capacity;
        _freeSlots = new SortedSet<int>(Enumerable.Range(1, capacity - 1));
        Root = new Node((float[])rootCentre.Clone(), 1.0, slot: 0);
    }

    public Node Root { get; private set; }

    /// <summary>The most leaves the tree can hold (the rows of the leaf-centre parameter).</summary>
    public int Capacity { get; }

    public int Dimension => Root.Centre.Length;

    /// <summary>Splits made so far, pruned ones included: the next split's order.</summary>
    public int Splits { get; private set; }

    /// <summary>Every node, parents before children, left subtrees before right ones.</summary>
    public IReadOnlyList<Node> Nodes
    {
        get
        {
            var nodes = new List<Node>();
            var stack = new Stack<Node>();
            stack.Push(Root);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                nodes.Add(node);
                if (!node.IsLeaf)
                {
                    stack.Push(node.Right!);
                    stack.Push(node.Left!);
                }
            }
            return nodes;
        }
    }

    /// <summary>The leaves, left to right; "leaf index" elsewhere in this class means a position in this list.</summary>
    public IReadOnlyList<Node> Leaves => Nodes.Where(n => n.IsLeaf).ToList();

    /// <summary>The position of <paramref name="leaf"/> in <see cref="Leaves"/>.</summary>
    public int LeafIndex(Node leaf) =>
        IndexOf(Leaves, leaf) is var index and >= 0 ? index : throw new ArgumentException("not a leaf of this tree", nameof(leaf));

    /// <summary>
    /// Makes <paramref name="leaf"/> a split node with two new leaves at the given centres, both of weight
    /// <paramref name="weight"/>; the leaf's slot is freed first, so a tree below capacity always has two slots for them.
    /// </summary>
    public (Node Left, Node Right) Split(Node leaf, float[] left, float[] right, double weight)
    {
        if (!leaf.IsLeaf)
        {
            throw new ArgumentException("only a leaf can be split", nameof(leaf));
        }
        if (left.Length != Dimension || right.Length != Dimension)
        {
            throw new ArgumentException($"the children's centres need {Dimension} coordinates");
        }
        if (Leaves.Count >= Capacity)
        {
            throw new InvalidOperationException($"the tree already has {Capacity} leaves, its capacity");
        }
        _freeSlots.Add(leaf.Slot);
        leaf.Slot = -1;
        leaf.SplitOrder = Splits++;
        leaf.Left = new Node((float[])left.Clone(), weight, TakeSlot()) { Parent = leaf };
        leaf.Right = new Node((float[])right.Clone(), weight, TakeSlot()) { Parent = leaf };
        return (leaf.Left, leaf.Right);
    }

    /// <summary>
    /// One batch's weight update, for every node but the root: w ← ½ w + ½ n, where n counts the batch's samples in the
    /// node's subtree (<paramref name="samplesPerLeaf"/>, by leaf index).
    /// </summary>
    public void AdvanceWeights(int[] samplesPerLeaf)
    {
        var counts = SubtreeCounts(samplesPerLeaf);
        foreach (var (node, count) in counts)
        {
            if (node.Parent is not null)
            {
                node.Weight = 0.5 * node.Weight + 0.5 * count;
            }
        }
    }

    /// <summary>
    /// Removes every node (and its subtree) whose weight fell below <paramref name="threshold"/>: its sibling takes
    /// the parent's place and weight. Returns how many nodes were removed this way. A single leaf is never removed.
    /// </summary>
    public int PruneBelow(double threshold)
    {
        var pruned = 0;
        while (Nodes.FirstOrDefault(n => n.Parent is not null && n.Weight < threshold) is { } node)
        {
            Remove(node);
            pruned++;
        }
        return pruned;
    }

    /// <summary>Each split node's centre becomes the weighted mean of its children's (children first).</summary>
    public void UpdateSplitCentres()
    {
        foreach (var node in Nodes.Reverse().Where(n => !n.IsLeaf))
        {
            var (left, right) = (node.Left!, node.Right!);
            var total = left.Weight + right.Weight;
            // Both weights at 0 only happens with a pruning threshold of 0: the plain mean then.
            var (a, b) = total > 0 ? (left.Weight / total, right.Weight / total) : (0.5, 0.5);
            var centre = new float[Dimension];
            for (var d = 0; d < centre.Length; d++)
            {
                centre[d] = (float)(a * left.Centre[d] + b * right.Centre[d]);
            }
            node.Centre = centre;
        }
    }

    /// <summary>Reads every leaf's centre from its row of the leaf-centre values, [capacity, dimension] row-major.</summary>
    public void ReadLeafCentres(float[] rows)
    {
        if (rows.Length != Capacity * Dimension)
        {
            throw new ArgumentException($"leaf centres need {Capacity} × {Dimension} values, got {rows.Length}", nameof(rows));
        }
        foreach (var leaf in Leaves)
        {
            leaf.Centre = rows.AsSpan(leaf.Slot * Dimension, Dimension).ToArray();
        }
    }

    /// <summary>The centres of <paramref name="nodes"/> as a float32 tensor [nodes, dimension].</summary>
    public torch.Tensor CentresOf(IReadOnlyList<Node> nodes)
    {
        var values = new float[nodes.Count * Dimension];
        for (var i = 0; i < nodes.Count; i++)
        {
            nodes[i].Centre.CopyTo(values, i * Dimension);
        }
        return torch.tensor(values, [nodes.Count, Dimension]);
    }

    /// <summary>The leaf index of each row of <paramref name="features"/>: the nearest leaf centre (squared Euclidean).</summary>
    public torch.Tensor NearestLeaf(torch.Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        using var centres = CentresOf(Leaves);
        return KMeans.AssignNearest(features, centres.to(features.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether each leaf lies below each node: [nodes, leaves] booleans, a node counting as below itself, for the
    /// nodes given and the leaf indices of <see cref="Leaves"/>.
    /// </summary>
    public torch.Tensor Membership(IReadOnlyList<Node> nodes)
    {
        var leaves = Leaves;
        var below = new bool[nodes.Count * leaves.Count];
        for (var l = 0; l < leaves.Count; l++)
        {
            for (var ancestor = leaves[l]; ancestor is not null; ancestor = ancestor.Parent)
            {
                var row = IndexOf(nodes, ancestor);
                if (row >= 0)
                {
                    below[row * leaves.Count + l] = true;
                }
            }
        }
        return torch.tensor(below, [nodes.Count, leaves.Count]);
    }

    /// <summary>
    /// The tree as a <see cref="ClusterTree"/> (nodes numbered parents first, the root 0; split orders renumbered
    /// 0, 1, ... in the order the surviving splits happened), with sizes from <paramref name="samplesPerLeaf"/>, and
    /// the node id of each leaf index.
    /// </summary>
    public (ClusterTree Tree, int[] LeafIds) Export(int[] samplesPerLeaf)
    {
        var nodes = Nodes;
        var id = new Dictionary<Node, int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            id[nodes[i]] = i;
        }
        var rank = nodes.Where(n => !n.IsLeaf).OrderBy(n => n.SplitOrder).Select((n, r) => (n, r))
            .ToDictionary(p => p.n, p => p.r);
        var sizes = SubtreeCounts(samplesPerLeaf);
        var exported = nodes.Select(n => new ClusterTreeNode(
            id[n],
            n.Parent is null ? -1 : id[n.Parent],
            n.IsLeaf ? -1 : id[n.Left!],
            n.IsLeaf ? -1 : id[n.Right!],
            n.Centre,
            sizes[n],
            n.IsLeaf ? -1 : rank[n])).ToList();
        return (new ClusterTree(exported), Leaves.Select(l => id[l]).ToArray());
    }

    /// <summary>Samples below every node, given the samples of each leaf index.</summary>
    private Dictionary<Node, int> SubtreeCounts(int[] samplesPerLeaf)
    {
        var leaves = Leaves;
        if (samplesPerLeaf.Length != leaves.Count)
        {
            throw new ArgumentException($"one count per leaf: {leaves.Count} leaves, {samplesPerLeaf.Length} counts", nameof(samplesPerLeaf));
        }
        var counts = new Dictionary<Node, int>();
        foreach (var node in Nodes.Reverse())
        {
            counts[node] = node.IsLeaf ? samplesPerLeaf[IndexOf(leaves, node)] : counts[node.Left!] + counts[node.Right!];
        }
        return counts;
    }

    private void Remove(Node node)
    {
        var parent = node.Parent!;
        var sibling = node.Sibling!;
        foreach (var leaf in LeavesBelow(node))
        {
            _freeSlots.Add(leaf.Slot);
        }
        sibling.Weight = parent.Weight;
        sibling.Parent = parent.Parent;
        if (parent.Parent is null)
        {
            Root = sibling;
        }
        else if (ReferenceEquals(parent.Parent.Left, parent))
        {
            parent.Parent.Left = sibling;
        }
        else
        {
            parent.Parent.Right = sibling;
        }
    }

    private static IEnumerable<Node> LeavesBelow(Node node) =>
        node.IsLeaf ? [node] : LeavesBelow(node.Left!).Concat(LeavesBelow(node.Right!));

    private int TakeSlot()
    {
        var slot = _freeSlots.Min;
        _freeSlots.Remove(slot);
        return slot;
    }

    private static int IndexOf(IReadOnlyList<Node> nodes, Node node)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (ReferenceEquals(nodes[i], node))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Saves a tree with a model: structure, centres, weights, slots and split orders, parents first.</summary>
    public static IStateSerializer<EmbeddedClusterTree> Serializer { get; } = new TreeSerializer();

    private sealed class TreeSerializer : IStateSerializer<EmbeddedClusterTree>
    {
        private const int Version = 1;

        public void Write(BinaryWriter writer, EmbeddedClusterTree tree)
        {
            writer.Write(Version);
            writer.Write(tree.Capacity);
            writer.Write(tree.Dimension);
            writer.Write(tree.Splits);
            var nodes = tree.Nodes;
            writer.Write(nodes.Count);
            foreach (var node in nodes)
            {
                writer.Write(!node.IsLeaf);
                writer.Write(node.IsLeaf ? node.Slot : node.SplitOrder);
                writer.Write(node.Weight);
                foreach (var value in node.Centre)
                {
                    writer.Write(value);
                }
            }
        }

        public EmbeddedClusterTree Read(BinaryReader reader)
        {
            var version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"cluster tree of format version {version}; this build reads version {Version}");
            }
            var capacity = reader.ReadInt32();
            var dimension = reader.ReadInt32();
            var splits = reader.ReadInt32();
            var count = reader.ReadInt32();
            if (capacity < 1 || capacity > MaxCapacity || dimension < 1 || dimension > 1 << 20 || splits < 0 || count < 1 || count > 2 * capacity - 1 || count % 2 == 0)
            {
                throw new InvalidDataException(
                    $"cluster tree header out of range: capacity {capacity}, dimension {dimension}, splits {splits}, nodes {count}");
            }
            // Parents first, left before right: a node's children are the next nodes read once it is complete.
            var read = 0;
            Node ReadNode(Node? parent)
            {
                if (read++ == count)
                {
                    throw new InvalidDataException($"cluster tree: its split nodes need more than the {count} nodes written");
                }
                var isSplit = reader.ReadBoolean();
                var number = reader.ReadInt32();
                var weight = reader.ReadDouble();
                var centre = new float[dimension];
                for (var d = 0; d < dimension; d++)
                {
                    centre[d] = reader.ReadSingle();
                }
                if (!double.IsFinite(weight) || centre.Any(v => !float.IsFinite(v)))
                {
                    throw new InvalidDataException($"cluster tree: node {read - 1} has a non-finite weight or centre");
                }
                var node = new Node(centre, weight, isSplit ? -1 : number) { Parent = parent };
                if (isSplit)
                {
                    node.SplitOrder = number;
                    node.Left = ReadNode(node);
                    node.Right = ReadNode(node);
                }
                return node;
            }
            var tree = new EmbeddedClusterTree(new float[dimension], capacity) { Splits = splits };
            tree.Root = ReadNode(null);
            if (read != count)
            {
                throw new InvalidDataException($"cluster tree: {count} nodes written, {read} in the tree");
            }
            var slots = tree.Leaves.Select(l => l.Slot).ToList();
            if (slots.Any(s => s < 0 || s >= capacity) || slots.Distinct().Count() != slots.Count)
            {
                throw new InvalidDataException($"cluster tree: leaf slots must be distinct rows of 0..{capacity - 1}");
            }
            tree._freeSlots.Clear();
            tree._freeSlots.UnionWith(Enumerable.Range(0, capacity).Except(slots));
            return tree;
        }
    }
}
