using TorchSharp;

namespace Taxonomy.Blocks.Features;

internal static class FeatureNormalization
{
    /// <summary>Flattens each sample's features to a vector and optionally puts it on the sphere of the given radius.</summary>
    public static torch.Tensor Finish(torch.Tensor features, bool l2Normalize, double radius = 1.0)
    {
        var flat = features.reshape(features.shape[0], -1);
        if (!l2Normalize)
        {
            return flat;
        }
        var unit = torch.nn.functional.normalize(flat, p: 2, dim: 1);
        return radius == 1.0 ? unit : unit.mul(radius);
    }
}
