using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Running;

/// <summary>The composition root: the block catalogue and the services blocks may ask for.</summary>
public static class TaxonomyServices
{
    /// <param name="extraBlocks">Registers further blocks (tests) after the built-in ones.</param>
    public static ServiceProvider Create(Action<BlockRegistry>? extraBlocks = null) => Create([], extraBlocks);

    /// <param name="plugins">Folders whose plugin assemblies register blocks after the built-in ones (see <see cref="PluginHost"/>).</param>
    /// <param name="extraBlocks">Registers further blocks (tests) after the plugins.</param>
    public static ServiceProvider Create(IEnumerable<PluginFolder> plugins, Action<BlockRegistry>? extraBlocks = null)
    {
        var registry = new BlockRegistry();
        BuiltInBlocks.Register(registry);
        PluginHost.LoadInto(registry, plugins);
        extraBlocks?.Invoke(registry);
        return new ServiceCollection()
            .AddSingleton(registry)
            .AddSingleton<ManifestLoader>()
            .AddSingleton<IKMeans, KMeans>()
            .AddSingleton<IPlatform>(HostPlatform.Process)
            .AddSingleton(HostPlatform.Process.Convolutions)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
