using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "architecture": the network. It exposes named outputs (see <see cref="Layers"/>):
/// an embedding, a reconstruction, a softmax head, intermediate layers, whatever it has.
/// </summary>
public interface IBranch : IBlock, IDisposable
{
    /// <summary>Names of the outputs this branch can produce; known from its options alone.</summary>
    IReadOnlySet<string> Outputs { get; }

    /// <summary>Creates the layers once the preprocessed sample shape (without the batch axis) is known.</summary>
    void Build(long[] sampleShape, int clusters);

    /// <summary>The TorchSharp module owning every trainable parameter (for the optimiser, train/eval, save/load).</summary>
    torch.nn.Module Module { get; }

    /// <summary>Runs the network on a batch, computing at least the <paramref name="required"/> outputs.</summary>
    BranchOutput Forward(torch.Tensor inputs, IReadOnlySet<string> required);
}
