using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "re-clustering after training": turns the trained network and cluster state into one
/// cluster index per sample (k-means on the features, argmax of a soft assignment, ...).
/// </summary>
public interface IPostClustering : IBlock
{
    IReadOnlyList<string> RequiredLayers => [];

    int[] Assign(IRunContext run);
}
