using TorchSharp;

namespace Taxonomy.Blocks.Features;

internal static class FeatureNormalization
{
    /// <summary>Flattens each sample's features to a vector and optionally scales it to unit L2 norm.</summary>
    public static torch.Tensor Finish(torch.Tensor features, bool l2Normalize)
    {
        var flat = features.reshape(features.shape[0], -1);
        return l2Normalize ? torch.nn.functional.normalize(flat, p: 2, dim: 1) : flat;
    }
}
