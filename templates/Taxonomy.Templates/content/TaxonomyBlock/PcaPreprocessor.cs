using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using TorchSharp;

namespace MyBlocks;

/// <summary>Principal component analysis: centre the features and project them on the top components.</summary>
[Block("pca", Summary = "Project centred features on their top principal components, optionally whitened.")]
public sealed class PcaPreprocessor(PcaPreprocessor.Options options) : IPreprocessor
{
    /// <summary>The manifest's options for this block: { "type": "pca", "components": 50, "whiten": false }.</summary>
    public sealed class Options : BlockOptions
    {
        [Description("Number of principal components to keep.")]
        [Range(1, 100_000)]
        public int Components { get; set; } = 50;

        [Description("Scale each component to unit variance.")]
        public bool Whiten { get; set; }
    }

    public torch.Tensor Apply(torch.Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] < options.Components)
        {
            throw new ArgumentException(
                $"pca: needs flat samples with at least {options.Components} features, got shape [{string.Join(", ", features.shape)}]; " +
                "put 'flatten' before it or lower 'components'.");
        }
        using var scope = torch.NewDisposeScope();
        var centred = features - features.mean([0], keepdim: true);
        var (_, singular, vt) = torch.linalg.svd(centred, fullMatrices: false);
        var projected = centred.matmul(vt[..options.Components].t());
        if (options.Whiten)
        {
            var std = singular[..options.Components] / Math.Sqrt(Math.Max(1, features.shape[0] - 1));
            projected /= std.clamp_min(1e-12);
        }
        return projected.MoveToOuterDisposeScope();
    }
}
