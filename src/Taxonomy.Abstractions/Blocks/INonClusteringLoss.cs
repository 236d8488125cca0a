using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "non-clustering loss": reconstruction, self-augmentation, another task, or none.
/// The schedule multiplies <see cref="Weight"/> by its own per-phase factor.
/// </summary>
public interface INonClusteringLoss : IBlock
{
    double Weight { get; }

    /// <summary>False for the "none" loss: the trainer then never computes it.</summary>
    bool Contributes => true;

    IReadOnlyList<string> RequiredLayers { get; }

    /// <summary>Trainable parameters the loss owns (e.g. the head of an auxiliary task), optimised with the branch.</summary>
    IEnumerable<Parameter> Parameters => [];

    /// <summary>Once the branch is built, before training: a loss with layers of its own sizes them from the branch.</summary>
    void Build(IBranch branch, long[] sampleShape) { }

    /// <summary>A scalar loss for the batch; mean over the batch unless the block documents otherwise.</summary>
    torch.Tensor Compute(StepInput step);
}
