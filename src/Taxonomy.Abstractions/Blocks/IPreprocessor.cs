using TorchSharp;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "preprocessing": turns the raw feature tensor [n, ...] into the network's input.
/// It may fit statistics on the data it is given (unsupervised), and may change the sample shape.
/// Returns a new tensor; never disposes its input.
/// </summary>
public interface IPreprocessor : IBlock
{
    torch.Tensor Apply(torch.Tensor features);
}
