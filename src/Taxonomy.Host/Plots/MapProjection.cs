namespace Taxonomy.Host.Plots;

/// <summary>How the clustering features are laid out in 2-D for the maps.</summary>
public enum MapProjection
{
    /// <summary>t-SNE up to <see cref="RunFigures.TsneLimit"/> points, PCA above.</summary>
    Auto,

    /// <summary>The first two principal components: linear, fast at any n.</summary>
    Pca,

    /// <summary>t-SNE (exact up to 1,000 points, Barnes–Hut above): neighbourhoods kept, distances between clusters not.</summary>
    Tsne,
}
