using Taxonomy.Blocks;
using Taxonomy.Blocks.Branches;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Plugins;

namespace Taxonomy.Host.Registry;

/// <summary>
/// The registry a command works with: the built-in blocks (<see cref="BuiltInBlocks"/>, then the convolution branches
/// with the platform's convolution choice), then the plugins' (see <see cref="PluginHost"/>).
/// </summary>
public static class BlockCatalogue
{
    /// <param name="extraBlocks">Registers further blocks (tests) after the built-in ones.</param>
    public static BlockRegistry Create(Action<BlockRegistry>? extraBlocks = null) => Create([], extraBlocks);

    /// <param name="plugins">Folders whose plugin assemblies register blocks after the built-in ones.</param>
    /// <param name="extraBlocks">Registers further blocks (tests) after the plugins.</param>
    /// <param name="convolutions">
    /// How the convolution branches compute; by default the process's (<see cref="HostPlatform.Process"/>).
    /// </param>
    public static BlockRegistry Create(IEnumerable<PluginFolder> plugins, Action<BlockRegistry>? extraBlocks = null,
                                       IConvolutionChoice? convolutions = null)
    {
        var registry = new BlockRegistry();
        BuiltInBlocks.Register(registry);
        RegisterConvolutionBranches(registry, convolutions ?? HostPlatform.Process.Convolutions);
        PluginHost.LoadInto(registry, plugins);
        extraBlocks?.Invoke(registry);
        return registry;
    }

    /// <summary>
    /// The built-in branches whose convolutions compute as the host's platform layer chose: created from their options
    /// and the choice, the one thing besides its options a block receives, and only from the host.
    /// </summary>
    private static void RegisterConvolutionBranches(BlockRegistry registry, IConvolutionChoice convolutions) =>
        registry.Add<ConvAutoencoderBranch, ConvAutoencoderBranch.Options>(options => new ConvAutoencoderBranch(options, convolutions))
                .Add<CnnClassifierBranch, CnnClassifierBranch.Options>(options => new CnnClassifierBranch(options, convolutions));
}
