using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>Min-max scaling to [0, 1], over the whole data set (images) or per feature (tabular data).</summary>
[Block("unit-scale", Summary = "Scale to [0, 1] by the data set's minimum and maximum (global or per feature).")]
public sealed class UnitScalePreprocessor(UnitScalePreprocessor.Options options) : FittedPreprocessor
{
    public sealed class Options : BlockOptions
    {
        [Description("Scale each feature by its own range instead of the global one.")]
        public bool PerFeature { get; set; }
    }

    protected override IReadOnlyList<string> FittedNames { get; } = ["min", "range"];

    protected override IReadOnlyDictionary<string, torch.Tensor> Fit(torch.Tensor features)
    {
        torch.Tensor min, max;
        if (options.PerFeature)
        {
            var flat = features.reshape(features.shape[0], -1);
            min = flat.amin(0).reshape(features.shape[1..]);
            max = flat.amax(0).reshape(features.shape[1..]);
        }
        else
        {
            min = features.min();
            max = features.max();
        }
        // A constant feature would divide by zero: leave it at 0.
        return new Dictionary<string, torch.Tensor> { ["min"] = min, ["range"] = (max - min).clamp_min(1e-12) };
    }

    /// <summary>New data is scaled by the training data's range, so it may fall outside [0, 1].</summary>
    protected override torch.Tensor Transform(torch.Tensor features, IReadOnlyDictionary<string, torch.Tensor> fitted)
    {
        using var scope = torch.NewDisposeScope();
        return ((features - fitted["min"]) / fitted["range"]).MoveToOuterDisposeScope();
    }
}
