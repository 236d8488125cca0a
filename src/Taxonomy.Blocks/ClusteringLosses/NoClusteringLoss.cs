using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>No clustering loss: the network is trained for its own task and clustered afterwards (AE + k-means).</summary>
[Block("none", Summary = "No clustering loss; clusters come from post-clustering only.")]
public sealed class NoClusteringLoss : IClusteringLoss
{
    public double Weight => 0;

    public bool Contributes => false;

    public torch.Tensor Compute(StepInput step) =>
        throw new InvalidOperationException("The 'none' clustering loss is never computed.");
}
