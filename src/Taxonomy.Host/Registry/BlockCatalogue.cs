using Taxonomy.Blocks;
using Taxonomy.Host.Plugins;

namespace Taxonomy.Host.Registry;

/// <summary>The registry a command works with: the built-in blocks, then the plugins' (see <see cref="PluginHost"/>).</summary>
public static class BlockCatalogue
{
    /// <param name="extraBlocks">Registers further blocks (tests) after the built-in ones.</param>
    public static BlockRegistry Create(Action<BlockRegistry>? extraBlocks = null) => Create([], extraBlocks);

    /// <param name="plugins">Folders whose plugin assemblies register blocks after the built-in ones.</param>
    /// <param name="extraBlocks">Registers further blocks (tests) after the plugins.</param>
    public static BlockRegistry Create(IEnumerable<PluginFolder> plugins, Action<BlockRegistry>? extraBlocks = null)
    {
        var registry = new BlockRegistry();
        BuiltInBlocks.Register(registry);
        PluginHost.LoadInto(registry, plugins);
        extraBlocks?.Invoke(registry);
        return registry;
    }
}
