using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>Images [n, c, h, w] to vectors [n, c·h·w], for MLP branches.</summary>
[Block("flatten", Summary = "Flatten each sample to a vector (images to pixels) for MLP branches.")]
public sealed class FlattenPreprocessor : IPreprocessor
{
    public torch.Tensor Apply(torch.Tensor features)
    {
        // The reshaped view is a tensor of its own: the scope disposes it once the contiguous result is out.
        using var scope = torch.NewDisposeScope();
        return features.reshape(features.shape[0], -1).contiguous().MoveToOuterDisposeScope();
    }
}
