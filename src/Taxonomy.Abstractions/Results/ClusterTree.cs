using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Taxonomy.Abstractions.Results;

/// <summary>
/// A hierarchical clustering result: a binary cluster tree as divisive methods such as DeepECT (Mautz et al.,
/// ICDM 2019) grow it. Nodes are numbered 0..Count-1 and node 0 is the root; a node is a leaf or has exactly two
/// children. Samples are assigned to leaves; a flat clustering is a cut of the tree (<see cref="CutNodes"/>).
/// The constructor checks the structure, so every instance is a valid tree.
/// </summary>
public sealed class ClusterTree
{
    /// <summary>The <c>"format"</c> value of <see cref="ToJson"/>.</summary>
    public const string JsonFormat = "taxonomy-cluster-tree";

    /// <summary>The <c>"version"</c> of <see cref="ToJson"/>'s layout; <see cref="FromJson"/> reads this version only.</summary>
    public const int JsonVersion = 1;

    private readonly ClusterTreeNode[] _nodes;

    // Split nodes ordered by SplitOrder: _splitsInOrder[j] is the node whose SplitOrder is j.
    private readonly int[] _splitsInOrder;

    /// <summary>
    /// Checks and keeps the nodes (the list and every centre are copied). Throws <see cref="ArgumentException"/>
    /// naming the first node that breaks a rule: node i has Id i; node 0 is the only root (Parent -1); a node's
    /// Left and Right are both -1 (leaf) or two distinct nodes whose Parent is that node; every node is reachable
    /// from the root (no cycles, no detached parts); a split node's Size is the sum of its children's; centres are
    /// finite and of one dimension; split nodes carry the SplitOrder values 0..splits-1, each once, each larger than
    /// the parent's, and leaves carry -1.
    /// </summary>
    public ClusterTree(IReadOnlyList<ClusterTreeNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            throw new ArgumentException("A cluster tree needs at least one node, the root.", nameof(nodes));
        }

        _nodes = new ClusterTreeNode[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i] ?? throw new ArgumentException(Invariant($"Node {i} is null."), nameof(nodes));
            if (node.Center is null)
            {
                throw new ArgumentException(Invariant($"Node {i} has no Center."), nameof(nodes));
            }
            _nodes[i] = node with { Center = (float[])node.Center.Clone() };
        }

        Validate(_nodes);
        _splitsInOrder = _nodes.Where(n => !IsLeafNode(n)).OrderBy(n => n.SplitOrder).Select(n => n.Id).ToArray();
        Leaves = _nodes.Where(IsLeafNode).Select(n => n.Id).ToArray();
    }

    /// <summary>The nodes, indexed by id.</summary>
    public IReadOnlyList<ClusterTreeNode> Nodes => _nodes;

    /// <summary>The number of nodes: 2 · leaves − 1.</summary>
    public int Count => _nodes.Length;

    /// <summary>Node ids of the leaves, ascending.</summary>
    public IReadOnlyList<int> Leaves { get; }

    /// <summary>The dimension of every node's centre.</summary>
    public int Dimension => _nodes[0].Center.Length;

    /// <summary>Whether <paramref name="id"/> is a node of this tree without children.</summary>
    public bool IsLeaf(int id) => id >= 0 && id < _nodes.Length && IsLeafNode(_nodes[id]);

    /// <summary>
    /// The flat cut with min(k, leaves) clusters: start with the root alone and repeatedly replace the node of the
    /// cut that was split first (lowest <see cref="ClusterTreeNode.SplitOrder"/>) by its two children, k − 1 times
    /// or until only leaves remain. Because a node is split after its parent, this keeps exactly the k − 1 earliest
    /// splits of the tree and undoes the later ones: the clustering the tree had when it had k leaves, if nothing
    /// was pruned since. This is the rule of ClustPy's DeepECT reference (<c>BinaryClusterTree.prune_to_n_leaf_nodes</c>,
    /// used by <c>DeepECT.flat_clustering</c>: keep the nodes created first, node ids there counting creation),
    /// i.e. "split in the order the splits happened"; splitting the most recently split node first would not
    /// reproduce it. Returns node ids, ascending. k must be at least 1; a k above the number of leaves gives the
    /// leaves (the reference fails there instead).
    /// </summary>
    public int[] CutNodes(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var clusters = Math.Min(k, Leaves.Count);
        var cut = new SortedSet<int> { 0 };
        for (var j = 0; j < clusters - 1; j++)
        {
            // Its parent was split earlier, so the node is in the cut now.
            var split = _nodes[_splitsInOrder[j]];
            cut.Remove(split.Id);
            cut.Add(split.Left);
            cut.Add(split.Right);
        }
        return cut.ToArray();
    }

    /// <summary>
    /// The flat cluster of every sample under <see cref="CutNodes"/>(k): the index, into that array, of the cut
    /// node above the sample's leaf. <paramref name="leafOfSample"/> holds each sample's leaf node id.
    /// </summary>
    public int[] Cut(int[] leafOfSample, int k)
    {
        ArgumentNullException.ThrowIfNull(leafOfSample);
        CheckLeafAssignment(leafOfSample, nameof(leafOfSample));
        var cut = CutNodes(k);

        var clusterOfNode = new int[_nodes.Length];
        var stack = new Stack<int>();
        for (var c = 0; c < cut.Length; c++)
        {
            stack.Push(cut[c]);
            while (stack.Count > 0)
            {
                var node = _nodes[stack.Pop()];
                clusterOfNode[node.Id] = c;
                if (!IsLeafNode(node))
                {
                    stack.Push(node.Left);
                    stack.Push(node.Right);
                }
            }
        }

        var clusters = new int[leafOfSample.Length];
        for (var i = 0; i < leafOfSample.Length; i++)
        {
            clusters[i] = clusterOfNode[leafOfSample[i]];
        }
        return clusters;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first entry of <paramref name="leafOfSample"/> that is not
    /// a leaf of this tree.
    /// </summary>
    public void CheckLeafAssignment(int[] leafOfSample, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(leafOfSample);
        for (var i = 0; i < leafOfSample.Length; i++)
        {
            var leaf = leafOfSample[i];
            if (leaf < 0 || leaf >= _nodes.Length)
            {
                throw new ArgumentException(
                    Invariant($"{parameterName}[{i}] is {leaf}, but the tree's nodes are 0..{_nodes.Length - 1}."), parameterName);
            }
            if (!IsLeafNode(_nodes[leaf]))
            {
                throw new ArgumentException(
                    Invariant($"{parameterName}[{i}] is node {leaf}, which has children; samples belong to leaves."), parameterName);
            }
        }
    }

    /// <summary>
    /// The tree as JSON: <c>{"format": "taxonomy-cluster-tree", "version": 1, "nodes": [{"id", "parent", "left",
    /// "right", "size", "splitOrder", "center": [...]}, ...]}</c>, nodes in id order. Centres are written as the
    /// shortest text that reads back to the same float.
    /// </summary>
    public JsonObject ToJson()
    {
        var nodes = new JsonArray();
        foreach (var node in _nodes)
        {
            var center = new JsonArray();
            foreach (var value in node.Center)
            {
                center.Add(JsonValue.Create(value));
            }
            nodes.Add(new JsonObject
            {
                ["id"] = node.Id,
                ["parent"] = node.Parent,
                ["left"] = node.Left,
                ["right"] = node.Right,
                ["size"] = node.Size,
                ["splitOrder"] = node.SplitOrder,
                ["center"] = center,
            });
        }
        return new JsonObject
        {
            ["format"] = JsonFormat,
            ["version"] = JsonVersion,
            ["nodes"] = nodes,
        };
    }

    /// <summary>
    /// Reads what <see cref="ToJson"/> writes. Throws <see cref="InvalidDataException"/> naming what is wrong: a
    /// missing or mistyped field (with its path, e.g. <c>nodes[3].center[1]</c>), another format or version, or a
    /// structure the constructor rejects.
    /// </summary>
    public static ClusterTree FromJson(JsonNode? json)
    {
        if (json is not JsonObject root)
        {
            throw new InvalidDataException("A cluster tree must be a JSON object.");
        }

        var format = root["format"] is JsonValue formatValue && formatValue.GetValueKind() == JsonValueKind.String
            ? formatValue.GetValue<string>()
            : null;
        if (format != JsonFormat)
        {
            throw new InvalidDataException(Invariant($"A cluster tree needs \"format\": \"{JsonFormat}\"; found {Describe(root["format"])}."));
        }
        var version = ReadInt(root, "version", "version");
        if (version != JsonVersion)
        {
            throw new InvalidDataException(Invariant(
                $"The cluster tree has version {version}; this build reads version {JsonVersion} only."));
        }
        if (root["nodes"] is not JsonArray array)
        {
            throw new InvalidDataException(Invariant($"The cluster tree's \"nodes\" must be an array; found {Describe(root["nodes"])}."));
        }

        var nodes = new ClusterTreeNode[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            var path = Invariant($"nodes[{i}]");
            if (array[i] is not JsonObject node)
            {
                throw new InvalidDataException(Invariant($"{path} must be an object; found {Describe(array[i])}."));
            }
            if (node["center"] is not JsonArray centerArray)
            {
                throw new InvalidDataException(Invariant($"{path}.center must be an array of numbers; found {Describe(node["center"])}."));
            }
            var center = new float[centerArray.Count];
            for (var d = 0; d < center.Length; d++)
            {
                center[d] = ReadFloat(centerArray[d], Invariant($"{path}.center[{d}]"));
            }
            nodes[i] = new ClusterTreeNode(
                ReadInt(node, "id", path + ".id"),
                ReadInt(node, "parent", path + ".parent"),
                ReadInt(node, "left", path + ".left"),
                ReadInt(node, "right", path + ".right"),
                center,
                ReadInt(node, "size", path + ".size"),
                ReadInt(node, "splitOrder", path + ".splitOrder"));
        }

        try
        {
            return new ClusterTree(nodes);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("The cluster tree is not valid: " + e.Message, e);
        }
    }

    private static bool IsLeafNode(ClusterTreeNode node) => node.Left == -1 && node.Right == -1;

    private static void Validate(ClusterTreeNode[] nodes)
    {
        var count = nodes.Length;
        var dimension = nodes[0].Center.Length;
        if (dimension == 0)
        {
            throw new ArgumentException("Node 0 has an empty Center; centres need at least one coordinate.", nameof(nodes));
        }

        for (var i = 0; i < count; i++)
        {
            var node = nodes[i];
            if (node.Id != i)
            {
                throw new ArgumentException(Invariant($"The node at index {i} has Id {node.Id}; node ids must equal their index."), nameof(nodes));
            }
            if (i == 0 && node.Parent != -1)
            {
                throw new ArgumentException(Invariant($"Node 0 is the root and must have Parent -1, but has Parent {node.Parent}."), nameof(nodes));
            }
            if (i != 0 && node.Parent == -1)
            {
                throw new ArgumentException(Invariant($"Node {i} has Parent -1, but only node 0 is the root."), nameof(nodes));
            }
            if (i != 0 && (node.Parent < 0 || node.Parent >= count || node.Parent == i))
            {
                throw new ArgumentException(Invariant($"Node {i} has Parent {node.Parent}, which is not another node of 0..{count - 1}."), nameof(nodes));
            }
            if (node.Center.Length != dimension)
            {
                throw new ArgumentException(Invariant(
                    $"Node {i} has a Center of dimension {node.Center.Length}, but node 0's has dimension {dimension}."), nameof(nodes));
            }
            for (var d = 0; d < dimension; d++)
            {
                if (!float.IsFinite(node.Center[d]))
                {
                    throw new ArgumentException(Invariant($"Node {i} has a non-finite Center[{d}] ({node.Center[d]})."), nameof(nodes));
                }
            }
            if (node.Size < 0)
            {
                throw new ArgumentException(Invariant($"Node {i} has a negative Size ({node.Size})."), nameof(nodes));
            }

            if (IsLeafNode(node) && node.SplitOrder != -1)
            {
                throw new ArgumentException(Invariant($"Node {i} is a leaf and must have SplitOrder -1, but has {node.SplitOrder}."), nameof(nodes));
            }
        }

        // Child links, once every node's own fields are known to be sound.
        var splits = 0;
        for (var i = 0; i < count; i++)
        {
            var node = nodes[i];
            if (IsLeafNode(node))
            {
                continue;
            }

            splits++;
            if (node.Left == -1 || node.Right == -1)
            {
                throw new ArgumentException(Invariant(
                    $"Node {i} has Left {node.Left} and Right {node.Right}; a node has two children or none (both -1)."), nameof(nodes));
            }
            foreach (var child in new[] { node.Left, node.Right })
            {
                if (child < 0 || child >= count)
                {
                    throw new ArgumentException(Invariant($"Node {i} has child {child}, which is not a node of 0..{count - 1}."), nameof(nodes));
                }
                if (child == 0 || child == i)
                {
                    throw new ArgumentException(Invariant($"Node {i} has child {child}; neither the root nor the node itself can be a child."), nameof(nodes));
                }
                if (nodes[child].Parent != i)
                {
                    throw new ArgumentException(Invariant(
                        $"Node {i} has child {child}, but node {child} has Parent {nodes[child].Parent}."), nameof(nodes));
                }
            }
            if (node.Left == node.Right)
            {
                throw new ArgumentException(Invariant($"Node {i} has node {node.Left} as both children."), nameof(nodes));
            }
        }

        // Every non-root node's parent lists it as a child (the loop above checked the converse).
        for (var i = 1; i < count; i++)
        {
            var parent = nodes[nodes[i].Parent];
            if (parent.Left != i && parent.Right != i)
            {
                throw new ArgumentException(Invariant(
                    $"Node {i} has Parent {parent.Id}, but node {parent.Id}'s children are {parent.Left} and {parent.Right}."), nameof(nodes));
            }
        }

        // With consistent parent and child links, a node missed by the walk from the root sits on a cycle or
        // below one.
        var reached = new bool[count];
        var stack = new Stack<int>();
        stack.Push(0);
        reached[0] = true;
        while (stack.Count > 0)
        {
            var node = nodes[stack.Pop()];
            if (IsLeafNode(node))
            {
                continue;
            }
            foreach (var child in new[] { node.Left, node.Right })
            {
                if (!reached[child])
                {
                    reached[child] = true;
                    stack.Push(child);
                }
            }
        }
        var unreached = Enumerable.Range(0, count).Where(i => !reached[i]).ToArray();
        if (unreached.Length > 0)
        {
            throw new ArgumentException(Invariant(
                $"Nodes {string.Join(", ", unreached)} cannot be reached from the root; their parent links form a cycle."), nameof(nodes));
        }

        var nodeOfSplit = new int[splits];
        Array.Fill(nodeOfSplit, -1);
        foreach (var node in nodes.Where(n => !IsLeafNode(n)))
        {
            if (node.SplitOrder < 0 || node.SplitOrder >= splits)
            {
                throw new ArgumentException(Invariant(
                    $"Node {node.Id} has SplitOrder {node.SplitOrder}; the tree's {splits} split nodes carry 0..{splits - 1}."), nameof(nodes));
            }
            if (nodeOfSplit[node.SplitOrder] != -1)
            {
                throw new ArgumentException(Invariant(
                    $"Nodes {nodeOfSplit[node.SplitOrder]} and {node.Id} both have SplitOrder {node.SplitOrder}."), nameof(nodes));
            }
            nodeOfSplit[node.SplitOrder] = node.Id;
        }
        foreach (var node in nodes.Where(n => !IsLeafNode(n)))
        {
            if (node.Id != 0 && nodes[node.Parent].SplitOrder > node.SplitOrder)
            {
                throw new ArgumentException(Invariant(
                    $"Node {node.Id} has SplitOrder {node.SplitOrder}, below its parent {node.Parent}'s {nodes[node.Parent].SplitOrder}; a node is split after its parent."), nameof(nodes));
            }
            var childSizes = (long)nodes[node.Left].Size + nodes[node.Right].Size;
            if (node.Size != childSizes)
            {
                throw new ArgumentException(Invariant(
                    $"Node {node.Id} has Size {node.Size}, but its children {node.Left} and {node.Right} hold {childSizes} samples."), nameof(nodes));
            }
        }
    }

    private static int ReadInt(JsonObject parent, string name, string path)
    {
        var node = parent[name];
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            if (value.TryGetValue<int>(out var i))
            {
                return i;
            }
            // A value built in memory rather than parsed may hold another numeric type.
            if (value.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue)
            {
                return (int)l;
            }
        }
        throw new InvalidDataException(Invariant($"{path} must be an integer (32-bit); found {Describe(node)}."));
    }

    private static float ReadFloat(JsonNode? node, string path)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            if (value.TryGetValue<float>(out var f) && float.IsFinite(f))
            {
                return f;
            }
            if (value.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Abs(d) <= float.MaxValue)
            {
                return (float)d;
            }
        }
        throw new InvalidDataException(Invariant($"{path} must be a finite number; found {Describe(node)}."));
    }

    private static string Describe(JsonNode? node) => node is null ? "nothing" : node.ToJsonString();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One node of a <see cref="ClusterTree"/>. <paramref name="Left"/> and <paramref name="Right"/> are -1 for a leaf;
/// <paramref name="Parent"/> is -1 for the root. <paramref name="Center"/> is the node's centre in the embedding;
/// <paramref name="Size"/> the number of samples assigned to the node's subtree. <paramref name="SplitOrder"/> is
/// when the node was split: 0 for the root's split, 1 for the next, ...; -1 for leaves.
/// </summary>
public sealed record ClusterTreeNode(int Id, int Parent, int Left, int Right, float[] Center, int Size, int SplitOrder);
