using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Features;

/// <summary>Several layers side by side (Neural Clustering's "several layers, concatenated").</summary>
[Block("concatenated-layers", Summary = "Several branch layers concatenated per sample, optionally L2-normalised.")]
public sealed class ConcatenatedLayersFeatureSelector(ConcatenatedLayersFeatureSelector.Options options) : IFeatureSelector
{
    public sealed class Options : BlockOptions
    {
        [Description("Names of the branch outputs to concatenate, e.g. [\"hidden2\", \"embedding\"].")]
        public List<string>? Layers { get; set; }

        [Description("Scale each layer's features to unit L2 norm before concatenating, so no layer dominates by size.")]
        public bool Normalize { get; set; }

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Layers is null || Layers.Count == 0)
            {
                yield return ("layers", "must name at least one branch output, e.g. [\"hidden2\", \"embedding\"]");
            }
        }
    }

    public IReadOnlyList<string> RequiredLayers => options.Layers!;

    public torch.Tensor Select(Abstractions.Training.BranchOutput outputs) =>
        torch.cat(options.Layers!.Select(l => FeatureNormalization.Finish(outputs[l], options.Normalize)).ToList(), 1);
}
