using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using TorchSharp;

namespace MyBlocks;

/// <summary>
/// Principal component analysis: centre the features and project them on the top components. It learns from the training
/// data, so it derives from FittedPreprocessor: the mean and the components are fitted once and reused for new data.
/// </summary>
[Block("pca", Summary = "Project centred features on their top principal components, optionally whitened.")]
public sealed class PcaPreprocessor(PcaPreprocessor.Options options) : FittedPreprocessor
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

    /// <summary>What the fit learns, saved with a trained model so new data is projected on the same components.</summary>
    protected override IReadOnlyList<string> FittedNames { get; } = ["mean", "projection"];

    protected override IReadOnlyDictionary<string, torch.Tensor> Fit(torch.Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] < options.Components)
        {
            throw new ArgumentException(
                $"pca: needs flat samples with at least {options.Components} features, got shape [{string.Join(", ", features.shape)}]; " +
                "put 'flatten' before it or lower 'components'.");
        }
        var mean = features.mean([0], keepdim: true);
        var (_, singular, vt) = torch.linalg.svd(features - mean, fullMatrices: false);
        var projection = vt[..options.Components].t();                                  // [d, components]
        if (options.Whiten)
        {
            var std = singular[..options.Components] / Math.Sqrt(Math.Max(1, features.shape[0] - 1));
            projection = projection / std.clamp_min(1e-12);
        }
        return new Dictionary<string, torch.Tensor> { ["mean"] = mean, ["projection"] = projection };
    }

    /// <summary>Centred by the training mean, projected on the training components (the dispose scope is the caller's).</summary>
    protected override torch.Tensor Transform(torch.Tensor features, IReadOnlyDictionary<string, torch.Tensor> fitted)
    {
        using var scope = torch.NewDisposeScope();
        return (features - fitted["mean"]).matmul(fitted["projection"]).MoveToOuterDisposeScope();
    }
}
