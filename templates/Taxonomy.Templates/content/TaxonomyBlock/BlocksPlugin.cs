using Taxonomy.Abstractions.Registration;

namespace MyBlocks;

/// <summary>The entry point the host looks for: one registration line per block.</summary>
public sealed class BlocksPlugin : ITaxonomyPlugin
{
    public void Register(IBlockRegistry blocks) => blocks
        .Add<HuberKMeansLoss, HuberKMeansLoss.Options>()
        .Add<PcaPreprocessor, PcaPreprocessor.Options>();
}
