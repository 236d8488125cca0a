using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>Taxonomy column "features for clustering": which branch outputs the clustering sees.</summary>
public interface IFeatureSelector : IBlock
{
    IReadOnlyList<string> RequiredLayers { get; }

    /// <summary>The clustering features of a batch, [batch, d].</summary>
    torch.Tensor Select(BranchOutput outputs);
}
