using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.NonClusteringLosses;

/// <summary>No non-clustering loss (JULE, DAC, or DEC's fine-tuning once the decoder is dropped).</summary>
[Block("none", Summary = "No non-clustering loss.")]
public sealed class NoNonClusteringLoss : INonClusteringLoss
{
    public double Weight => 0;

    public bool Contributes => false;

    public IReadOnlyList<string> RequiredLayers => [];

    public torch.Tensor Compute(StepInput step) =>
        throw new InvalidOperationException("The 'none' non-clustering loss is never computed.");
}
