using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>Zero mean, unit variance per feature (population variance, like scikit-learn's StandardScaler).</summary>
[Block("standardize", Summary = "Per-feature zero mean and unit variance; constant features become 0.")]
public sealed class StandardizePreprocessor : IPreprocessor
{
    public torch.Tensor Apply(torch.Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var mean = features.mean([0], keepdim: true);
        var std = features.std(0, unbiased: false, keepdim: true);
        var safe = torch.where(std > 1e-12, std, torch.ones_like(std));
        return ((features - mean) / safe).MoveToOuterDisposeScope();
    }
}
