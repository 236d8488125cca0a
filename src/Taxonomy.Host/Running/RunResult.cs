using Taxonomy.Abstractions.Data;
using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Results;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Running;

/// <summary>Everything a run reports: what ran, on what, how well, and how long each phase took.</summary>
public sealed record RunResult
{
    public required string Method { get; init; }
    public required string Manifest { get; init; }
    public required JsonObject EffectiveManifest { get; init; }
    public required string Dataset { get; init; }
    public required string DataSource { get; init; }
    public required int Samples { get; init; }
    public required long[] SampleShape { get; init; }
    /// <summary>k of the result: as asked, or as the method estimated it.</summary>
    public required int Clusters { get; init; }

    /// <summary>k the run started from (equal to <see cref="Clusters"/> unless the method estimates k).</summary>
    public required int ClustersInitial { get; init; }

    /// <summary>Where k came from: "given" (manifest or --clusters), "labels" (counted) or "estimated" (by the method).</summary>
    public required string ClustersSource { get; init; }
    public required int Seed { get; init; }
    public required int Threads { get; init; }
    public MetricSet? Metrics { get; init; }
    public required IReadOnlyList<PhaseReport> Phases { get; init; }
    public required double PostClusteringSeconds { get; init; }
    public required double TotalSeconds { get; init; }
    public required IReadOnlyDictionary<string, string> Versions { get; init; }
    /// <summary>The post-clustering's result over the training data.</summary>
    public required ClusteringResult Clustering { get; init; }

    /// <summary>The primary partition's cluster of every sample.</summary>
    public int[] Assignments => Clustering.Primary.Labels;

    /// <summary>Samples per cluster, index = cluster id (length k).</summary>
    public required int[] ClusterSizes { get; init; }

    /// <summary>Clusters that hold at least one sample; fewer than k means the clustering collapsed.</summary>
    public int ClustersFound => ClusterSizes.Count(size => size > 0);
    /// <summary>The data's label columns (empty when unlabelled); the first one is <see cref="Labels"/>.</summary>
    public IReadOnlyList<LabelColumn> LabelColumns { get; init; } = [];

    /// <summary>The labels the headline metrics use, or null.</summary>
    public int[]? Labels => LabelColumns.Count > 0 ? LabelColumns[0].Values : null;

    /// <summary>The one-line summary the CLI prints last.</summary>
    public string Summary() =>
        $"{Method} on {Dataset} (n={Samples}, k={Clusters}, seed {Seed}): " +
        (Metrics is { } m ? $"ACC {m.Accuracy:F4}  NMI {m.Nmi:F4}  ARI {m.Ari:F4}" : "no labels, no metrics") +
        (ClustersFound < Clusters ? $"  DEGENERATE: {ClustersFound} of {Clusters} clusters hold samples" : "") +
        $"  {TotalSeconds:F1} s";
}
