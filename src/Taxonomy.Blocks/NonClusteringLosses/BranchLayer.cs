using TorchSharp;
using Taxonomy.Abstractions.Blocks;

namespace Taxonomy.Blocks.NonClusteringLosses;

/// <summary>What the losses with a head of their own on a branch layer share: the layer's check and its width.</summary>
internal static class BranchLayer
{
    /// <summary>
    /// The number of features of <paramref name="layer"/> per sample, from one forward pass of two blank samples in
    /// evaluation mode; throws, naming the branch's outputs, when the branch has no such layer.
    /// </summary>
    public static long Width(IBranch branch, long[] sampleShape, string layer, string owner)
    {
        if (!branch.Outputs.Contains(layer))
        {
            throw new ArgumentException(
                $"{owner}: layer '{layer}' is not an output of the branch; it has {string.Join(", ", branch.Outputs.Order())}");
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var training = branch.Module.training;
        branch.Module.eval();
        var outputs = branch.Forward(torch.zeros([2, .. sampleShape]), new HashSet<string> { layer });
        branch.Module.train(training);
        return outputs[layer].reshape(2, -1).shape[1];
    }
}
