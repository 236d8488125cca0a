using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>
/// A transformation T of a batch's inputs, nested in the 'self-augmentation' loss (IMSAT's T(x)). It may read the run
/// (the data set, the branch, the generators) and the clean logits of the batch, e.g. to find an adversarial direction.
/// </summary>
internal interface IAugmentation
{
    /// <summary>T(x) for the step's batch, detached, same shape as the inputs.</summary>
    torch.Tensor Apply(StepInput step, torch.Tensor cleanLogits);
}
