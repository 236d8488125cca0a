using System.ComponentModel;
using System.Globalization;

namespace Taxonomy.Blocks.Data;

/// <summary>The manifest's "data" section: where the samples come from.</summary>
public sealed class DataOptions
{
    [Description("A built-in data set (digits, synthetic, blobs, fashion-mnist), or a path: a .csv/.csv.gz file or a folder of IDX files. Relative paths are resolved against the manifest's folder, then the current directory.")]
    public string Source { get; set; } = "digits";

    [Description("CSV files only: whether the last column is the integer label (built-in sets know their labels).")]
    public bool Labels { get; set; } = true;

    [Description("Use only the first N samples (quick runs and tests); null uses all.")]
    public int? Limit { get; set; }

    [Description("synthetic and blobs: points per cluster.")]
    public int PerCluster { get; set; } = 2500;

    [Description("blobs: number of Gaussian blobs.")]
    public int Clusters { get; set; } = 4;

    [Description("blobs: dimension of the points.")]
    public int Dimensions { get; set; } = 2;

    [Description("blobs: standard deviation of each blob.")]
    public double Spread { get; set; } = 1.0;

    /// <summary>Throws a <see cref="DataException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Source))
        {
            throw new DataException($"data.source is empty: give one of {DataCatalog.BuiltInList}, or a path.");
        }
        Require(Limit is null or > 0, $"data.limit must be positive (or absent for all samples), got {Limit}.");
        Require(PerCluster > 0, $"data.perCluster must be positive, got {PerCluster}.");
        Require(Clusters > 0, $"data.clusters must be positive, got {Clusters}.");
        Require(Dimensions > 0, $"data.dimensions must be positive, got {Dimensions}.");
        Require(double.IsFinite(Spread) && Spread >= 0,
            string.Create(CultureInfo.InvariantCulture, $"data.spread must be a finite standard deviation >= 0, got {Spread}."));
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new DataException(message);
        }
    }
}
