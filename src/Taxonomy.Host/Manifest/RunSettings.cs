using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Data;

namespace Taxonomy.Host.Manifest;

/// <summary>The manifest's fields that are not blocks: what to cluster, how many clusters, seed, optimiser.</summary>
public sealed class RunSettings
{
    [Description("Method name for logs and results, e.g. \"IDEC\".")]
    public string Name { get; set; } = "";

    [Description("Free text: what the manifest follows and where it deviates.")]
    public string Description { get; set; } = "";

    [Description("Folders of plugin assemblies, relative to the manifest; loaded before the blocks are resolved.")]
    public List<string>? Plugins { get; set; }

    [Description("Number of clusters k (at least 2, at most the number of samples); default: the number of distinct labels in the data.")]
    [Range(2, 100_000)]
    public int? Clusters { get; set; }

    [Description("Seed of every random choice (initialisation, shuffles, k-means).")]
    public int Seed { get; set; }

    [Description("CPU threads for TorchSharp; default: all cores.")]
    [Range(1, 1024)]
    public int? Threads { get; set; }

    [Description("Only \"cpu\": no CUDA build of TorchSharp is available.")]
    public string Device { get; set; } = "cpu";

    [Description("Reuse pre-trained branch weights from the cache (TAXONOMY_CACHE or ~/.cache/taxonomy) when branch, data " +
                 "(file contents, by SHA-256), preprocessing, non-clustering loss, pre-training optimiser, epochs, seed and " +
                 "thread count are all the same; entries are verified by checksum, a damaged one is retrained.")]
    public bool PretrainingCache { get; set; } = true;

    public DataOptions Data { get; set; } = new();

    public OptimizerOptions Optimizer { get; set; } = new();

    [Description("Which k-means every block of the run uses (post-clustering, initialisation, DCN's updates, per-epoch metrics).")]
    // Named so that the manifest field, written back camel-cased, is "kmeans".
    public KMeansOptions Kmeans { get; set; } = new();

    public LogOptions Log { get; set; } = new();
}

/// <summary>Logging during training.</summary>
public sealed class LogOptions
{
    [Description("Compute ACC/NMI/ARI every N epochs when labels are known (0 = only at the end).")]
    [Range(0, 100_000)]
    public int MetricsEvery { get; set; } = 1;
}
