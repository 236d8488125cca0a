using Taxonomy.Abstractions.Data;
using Taxonomy.Blocks.Data;

namespace Taxonomy;

/// <summary>Data for <see cref="ClusteringMethod.Fit"/> and <see cref="ClusteringModel.Predict"/>: a source by name, or rows in memory.</summary>
public static class DataSets
{
    /// <summary>
    /// A built-in set (digits, digit-pairs, synthetic, blobs, table, fashion-mnist), a CSV file or a folder of IDX files, read as a manifest's
    /// data.source is; <paramref name="labels"/> as data.labels (null: detected).
    /// </summary>
    public static Dataset Load(string source, bool? labels = null, int? limit = null, int seed = 0) =>
        DataCatalog.Load(new DataOptions { Source = source, Labels = labels, Limit = limit }, seed);

    /// <summary>Rows [samples, features] in memory, with one label per row when known (for metrics).</summary>
    public static Dataset FromRows(float[,] rows, int[]? labels = null, string name = "rows")
    {
        var tensor = TorchSharp.torch.tensor(rows);
        return new Dataset(name, tensor, labels, $"{rows.GetLength(0)} rows in memory");
    }
}
