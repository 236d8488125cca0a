namespace Taxonomy.Abstractions.Registration;

/// <summary>The eight roles of the taxonomy, with their manifest field names.</summary>
public enum BlockRole
{
    Preprocessor,
    Branch,
    FeatureSelector,
    NonClusteringLoss,
    ClusteringLoss,
    Schedule,
    ClusterUpdater,
    PostClustering,
}
