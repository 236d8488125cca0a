using Taxonomy.Abstractions.Blocks;

namespace Taxonomy.Abstractions.Registration;

/// <summary>Where blocks are registered, one line each; the role comes from the interface the block implements.</summary>
public interface IBlockRegistry
{
    IBlockRegistry Add<TBlock, TOptions>()
        where TBlock : class, IBlock
        where TOptions : BlockOptions, new();
}

/// <summary>The entry point of a plugin assembly: registers its blocks.</summary>
public interface ITaxonomyPlugin
{
    void Register(IBlockRegistry blocks);
}
