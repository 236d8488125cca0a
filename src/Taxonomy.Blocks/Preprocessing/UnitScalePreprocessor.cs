using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>Min-max scaling to [0, 1], over the whole data set (images) or per feature (tabular data).</summary>
[Block("unit-scale", Summary = "Scale to [0, 1] by the data set's minimum and maximum (global or per feature).")]
public sealed class UnitScalePreprocessor(UnitScalePreprocessor.Options options) : IPreprocessor
{
    public sealed class Options : BlockOptions
    {
        [Description("Scale each feature by its own range instead of the global one.")]
        public bool PerFeature { get; set; }
    }

    public torch.Tensor Apply(torch.Tensor features)
    {
        using var scope = torch.NewDisposeScope();
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
        var range = (max - min).clamp_min(1e-12);
        return ((features - min) / range).MoveToOuterDisposeScope();
    }
}
