using TorchSharp;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// A branch that maps embeddings back to samples (an autoencoder's decoder), so that points of the embedding space,
/// such as cluster centroids, can be shown as the inputs they stand for.
/// </summary>
public interface IDecoder
{
    /// <summary>The decoder's output for <paramref name="embeddings"/> [n, e]: [n, sample shape as the branch sees it].</summary>
    torch.Tensor Decode(torch.Tensor embeddings);
}
