using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Features;

/// <summary>One layer: the branch's embedding (DEC, IDEC, DCN, ...). JULE-style methods L2-normalise it.</summary>
[Block("embedding", Summary = "The branch's embedding layer, optionally L2-normalised.")]
public sealed class EmbeddingFeatureSelector(EmbeddingFeatureSelector.Options options) : IFeatureSelector
{
    public sealed class Options : BlockOptions
    {
        [Description("Scale each sample's features to unit L2 norm.")]
        public bool Normalize { get; set; }
    }

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Embedding];

    public torch.Tensor Select(BranchOutput outputs) =>
        FeatureNormalization.Finish(outputs[Layers.Embedding], options.Normalize);
}
