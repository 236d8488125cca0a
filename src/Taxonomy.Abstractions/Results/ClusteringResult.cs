namespace Taxonomy.Abstractions.Results;

/// <summary>
/// What a post-clustering returns, one of a few kinds: a flat <see cref="Partition"/> (with soft assignments where the
/// method has them), a <see cref="Hierarchy"/> (a cluster tree with its flat cut), or several
/// <see cref="Partitions"/> at once (non-redundant clustering, one per view). Every kind has a primary partition:
/// the one assignments.csv and the headline metrics use.
/// </summary>
public abstract class ClusteringResult
{
    private protected ClusteringResult()
    {
    }

    /// <summary>The partition reported first: the flat partition itself, a tree's cut at k, the first view.</summary>
    public abstract Partition Primary { get; }

    /// <summary>Number of samples clustered.</summary>
    public int Samples => Primary.Labels.Length;
}

/// <summary>A flat partition: one cluster id in [0, <see cref="Clusters"/>) per sample, and soft assignments when known.</summary>
public sealed class Partition : ClusteringResult
{
    /// <param name="labels">Cluster of every sample.</param>
    /// <param name="clusters">Number of clusters (ids 0 to clusters − 1; some may be empty).</param>
    /// <param name="probabilities">Soft assignments, row-major [samples, clusters], each row summing to 1; or null.</param>
    public Partition(int[] labels, int clusters, float[]? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (clusters < 1)
        {
            throw new ArgumentException($"a partition has at least one cluster, got {clusters}", nameof(clusters));
        }
        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)clusters)
            {
                throw new ArgumentException($"sample {i + 1} is in cluster {labels[i]}, outside 0 to {clusters - 1}", nameof(labels));
            }
        }
        if (probabilities is not null && probabilities.LongLength != (long)labels.Length * clusters)
        {
            throw new ArgumentException(
                $"soft assignments of {labels.Length} samples to {clusters} clusters need {(long)labels.Length * clusters} values, got {probabilities.LongLength}",
                nameof(probabilities));
        }
        Labels = labels;
        Clusters = clusters;
        Probabilities = probabilities;
    }

    public int[] Labels { get; }

    public int Clusters { get; }

    /// <summary>Row-major [samples, clusters], or null for a method without soft assignments.</summary>
    public float[]? Probabilities { get; }

    public override Partition Primary => this;

    /// <summary>Samples per cluster id (length <see cref="Clusters"/>).</summary>
    public int[] Sizes()
    {
        var sizes = new int[Clusters];
        foreach (var label in Labels)
        {
            sizes[label]++;
        }
        return sizes;
    }
}

/// <summary>Several partitions of the same samples, one per clustering view (non-redundant clustering).</summary>
public sealed class Partitions : ClusteringResult
{
    public Partitions(IReadOnlyList<Partition> views, IReadOnlyList<string>? names = null)
    {
        if (views.Count == 0)
        {
            throw new ArgumentException("several partitions need at least one view", nameof(views));
        }
        if (views.Any(v => v.Labels.Length != views[0].Labels.Length))
        {
            throw new ArgumentException("every view must cluster the same samples", nameof(views));
        }
        names ??= views.Select((_, i) => $"view{i}").ToList();
        if (names.Count != views.Count || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("one distinct name per view", nameof(names));
        }
        Views = views;
        Names = names;
    }

    public IReadOnlyList<Partition> Views { get; }

    /// <summary>A name per view, used as the column name in assignments.csv ("view0", "view1", ... by default).</summary>
    public IReadOnlyList<string> Names { get; }

    public override Partition Primary => Views[0];
}

/// <summary>
/// A hierarchy: a binary cluster tree, the leaf of every sample, and the flat cut at k clusters
/// (<see cref="ClusterTree.Cut"/>), which is the primary partition. A tree with fewer than k leaves gives a cut whose
/// clusters past its leaf count are empty, so the run reports it as degenerate rather than as another k.
/// </summary>
public sealed class Hierarchy : ClusteringResult
{
    public Hierarchy(ClusterTree tree, int[] leafOfSample, int clusters)
    {
        tree.CheckLeafAssignment(leafOfSample, nameof(leafOfSample));
        Tree = tree;
        LeafOfSample = leafOfSample;
        Cut = new Partition(tree.Cut(leafOfSample, clusters), clusters);
    }

    public ClusterTree Tree { get; }

    /// <summary>The leaf node id of every sample.</summary>
    public int[] LeafOfSample { get; }

    /// <summary>The flat cut with k clusters (ids 0 to k − 1); a tree of fewer leaves leaves the last ones empty.</summary>
    public Partition Cut { get; }

    public override Partition Primary => Cut;
}
