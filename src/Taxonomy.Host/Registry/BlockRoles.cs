using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Registry;

/// <summary>Maps the eight roles to their interfaces, manifest fields and plain-language meaning.</summary>
public static class BlockRoles
{
    private static readonly (BlockRole Role, Type Interface, string Field, string Meaning)[] s_roles =
    [
        (BlockRole.Preprocessor, typeof(IPreprocessor), "preprocessor", "preprocessing"),
        (BlockRole.Branch, typeof(IBranch), "branch", "the network (architecture)"),
        (BlockRole.FeatureSelector, typeof(IFeatureSelector), "featureSelector", "features for clustering"),
        (BlockRole.NonClusteringLoss, typeof(INonClusteringLoss), "nonClusteringLoss", "the non-clustering loss"),
        (BlockRole.ClusteringLoss, typeof(IClusteringLoss), "clusteringLoss", "the clustering loss"),
        (BlockRole.Schedule, typeof(ILossSchedule), "schedule", "how the losses are combined over time"),
        (BlockRole.ClusterUpdater, typeof(IClusterUpdater), "clusterUpdater", "how clusters are updated"),
        (BlockRole.PostClustering, typeof(IPostClustering), "postClustering", "re-clustering after training"),
    ];

    public static IEnumerable<BlockRole> All => s_roles.Select(r => r.Role);

    public static string Field(BlockRole role) => s_roles.Single(r => r.Role == role).Field;

    public static string Meaning(BlockRole role) => s_roles.Single(r => r.Role == role).Meaning;

    public static Type Interface(BlockRole role) => s_roles.Single(r => r.Role == role).Interface;

    /// <summary>The roles a class implements (a block normally has exactly one).</summary>
    public static IReadOnlyList<BlockRole> Of(Type implementation) =>
        s_roles.Where(r => r.Interface.IsAssignableFrom(implementation)).Select(r => r.Role).ToList();
}
