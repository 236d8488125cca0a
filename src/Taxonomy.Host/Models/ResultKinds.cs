using Taxonomy.Abstractions.Results;

namespace Taxonomy.Host.Models;

/// <summary>The names result.json and model.json give the kinds of clustering result.</summary>
public static class ResultKinds
{
    public const string Partition = "partition";
    public const string Partitions = "partitions";
    public const string Hierarchy = "hierarchy";

    public static string Of(ClusteringResult result) => result switch
    {
        Abstractions.Results.Partition => Partition,
        Abstractions.Results.Partitions => Partitions,
        Abstractions.Results.Hierarchy => Hierarchy,
        _ => throw new ArgumentException($"unknown kind of clustering result: {result.GetType().Name}"),
    };
}
