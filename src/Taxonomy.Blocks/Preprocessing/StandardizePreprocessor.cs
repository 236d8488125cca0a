using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>Zero mean, unit variance per feature (population variance, like scikit-learn's StandardScaler).</summary>
[Block("standardize", Summary = "Per-feature zero mean and unit variance; constant features become 0.")]
public sealed class StandardizePreprocessor : FittedPreprocessor
{
    protected override IReadOnlyList<string> FittedNames { get; } = ["mean", "scale"];

    protected override IReadOnlyDictionary<string, torch.Tensor> Fit(torch.Tensor features)
    {
        var std = features.std(0, unbiased: false, keepdim: true);
        return new Dictionary<string, torch.Tensor>
        {
            ["mean"] = features.mean([0], keepdim: true),
            ["scale"] = torch.where(std > 1e-12, std, torch.ones_like(std)),
        };
    }

    protected override torch.Tensor Transform(torch.Tensor features, IReadOnlyDictionary<string, torch.Tensor> fitted)
    {
        using var scope = torch.NewDisposeScope();
        return ((features - fitted["mean"]) / fitted["scale"]).MoveToOuterDisposeScope();
    }
}
