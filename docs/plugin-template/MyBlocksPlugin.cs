using Taxonomy.Abstractions.Registration;

namespace MyBlocks;

/// <summary>The entry point the host looks for: one registration line per block.</summary>
public sealed class MyBlocksPlugin : ITaxonomyPlugin
{
    public void Register(IBlockRegistry blocks) => blocks.Add<PcaPreprocessor, PcaPreprocessor.Options>();
}
