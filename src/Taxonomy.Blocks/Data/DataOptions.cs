using System.ComponentModel;
using System.Globalization;

namespace Taxonomy.Blocks.Data;

/// <summary>The manifest's "data" section: where the samples come from.</summary>
public sealed class DataOptions
{
    [Description("A built-in data set (digits, digit-pairs, synthetic, blobs, table, fashion-mnist), or a path: a .csv/.csv.gz file or a folder of IDX files. Relative paths are resolved against the manifest's folder, then the current directory.")]
    public string Source { get; set; } = "digits";

    [Description("Whether the data has labels. Absent: built-in sets are labelled, a CSV file's last column is its label when it " +
                 "holds an integer on every row (else every column is a feature, and the log says so), an IDX folder is labelled " +
                 "when it has labels files. true requires labels; false reads none (and drops a built-in set's: no metrics).")]
    public bool? Labels { get; set; }

    [Description("IDX folders (fashion-mnist or a folder of IDX files): the part to read. all reads every part, train then " +
                 "t10k then any other; a part's file prefix reads that part alone, e.g. train (Fashion-MNIST's 60,000 training " +
                 "images) or t10k (its 10,000 test images), for which test is another name. The data set's name gets the part " +
                 "in brackets, \"fashion-mnist (train)\".")]
    public string Split { get; set; } = IdxReader.AllParts;

    [Description("Use only the first N samples (quick runs and tests); null uses all.")]
    public int? Limit { get; set; }

    [Description("synthetic and blobs: points per cluster (default 2500); table: rows of the largest cluster, the others shrinking evenly to half of it (default 200).")]
    public int? PerCluster { get; set; }

    [Description("blobs: number of Gaussian blobs (default 4); table: number of clusters (default 3).")]
    public int? Clusters { get; set; }

    [Description("blobs: dimension of the points (default 2); table: number of informative columns (default 8).")]
    public int? Dimensions { get; set; }

    [Description("table: number of irrelevant columns, noise independent of the clusters (default 3).")]
    public int? Irrelevant { get; set; }

    [Description("blobs: standard deviation of each blob (default 1); table: factor of every cluster's spread, so larger overlaps them more (default 3, where k-means on the min-max scaled columns reaches about 0.93 ACC).")]
    public double? Spread { get; set; }

    /// <summary>Throws a <see cref="DataException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Source))
        {
            throw new DataException($"data.source is empty: give one of {DataCatalog.BuiltInList}, or a path.");
        }
        Require(!Source.Contains('\0'), "data.source contains a NUL character, which no path can hold.");
        Require(Limit is null or > 0, $"data.limit must be positive (or absent for all samples), got {Limit}.");
        Require(!string.IsNullOrWhiteSpace(Split),
            $"data.split is empty: give '{IdxReader.AllParts}' for every part of an IDX folder, or a part's prefix such as train or t10k.");
        var source = Source.Trim().ToLowerInvariant();
        Require(IdxReader.IsAll(Split) || !DataCatalog.IsInMemory(source),
            $"{SplitOnlyForIdx} not to '{Source}'.");
        Require(PerCluster is null || source is "synthetic" or "blobs" or SyntheticData.TableName,
            $"data.perCluster only applies to the generated sets 'synthetic', 'blobs' and 'table', not to '{Source}'.");
        Require((Clusters ?? Dimensions) is null || source is "blobs" or SyntheticData.TableName,
            $"data.clusters and data.dimensions only apply to 'blobs' and 'table', not to '{Source}'.");
        Require(Spread is null || source is "blobs" or SyntheticData.TableName, $"data.spread only applies to 'blobs' and 'table', not to '{Source}'.");
        Require(Irrelevant is null || source == SyntheticData.TableName, $"data.irrelevant only applies to 'table', not to '{Source}'.");
        Require(Irrelevant is null or >= 0, $"data.irrelevant must be 0 or more, got {Irrelevant}.");
        Require(PerCluster is null or > 0, $"data.perCluster must be positive, got {PerCluster}.");
        Require(Clusters is null or > 0, $"data.clusters must be positive, got {Clusters}.");
        Require(Dimensions is null or > 0, $"data.dimensions must be positive, got {Dimensions}.");
        Require(Spread is null || (double.IsFinite(Spread.Value) && Spread >= 0),
            string.Create(CultureInfo.InvariantCulture, $"data.spread must be a finite standard deviation >= 0, got {Spread}."));
    }

    /// <summary>The start of the message for a data.split on a source without parts.</summary>
    internal const string SplitOnlyForIdx = "data.split only applies to IDX folders ('fashion-mnist' or a folder of IDX files),";

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new DataException(message);
        }
    }
}
