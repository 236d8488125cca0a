using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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

        [Description("With normalize: the radius of the sphere the features are put on (1 = unit norm). Distance-based losses (Student-t, soft k-means) read distances on this scale, so it acts as their inverse temperature.")]
        [Range(1e-6, 1e6)]
        public double Radius { get; set; } = 1.0;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Radius != 1.0 && !Normalize)
            {
                yield return ("radius", "applies only to normalised features: set normalize to true, or remove radius");
            }
        }
    }

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Embedding];

    /// <summary>True when the features are the embedding itself, not L2-normalised (losses on q(z|x) need μ as it is).</summary>
    public bool IsRaw => !options.Normalize;

    public torch.Tensor Select(BranchOutput outputs) =>
        FeatureNormalization.Finish(outputs[Layers.Embedding], options.Normalize, options.Radius);
}
