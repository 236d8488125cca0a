using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Registry;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Running;

/// <summary>
/// The host's composition root: one service provider per command (per row for `table1`, whose rows may name different
/// plugins), holding the tool's settings, the process's platform layer (<see cref="HostPlatform.Process"/>, which the
/// trainer calls after every epoch and whose convolution choice the registry hands to the convolution branches), the
/// block registry (built-in blocks, then the plugins'), the manifest loader over it and the pre-training cache. Blocks are not services: the registry creates each from its options
/// (<see cref="BlockDescriptor.Create"/>), and the run context carries what a run shares with them.
/// </summary>
public static class TaxonomyHost
{
    /// <param name="plugins">
    /// Folders whose plugin assemblies register blocks after the built-in ones (see <see cref="PluginHost"/>).
    /// </param>
    /// <param name="extraBlocks">Registers further blocks (tests) after the plugins.</param>
    /// <param name="configuration">The tool's settings; by default the <c>TAXONOMY_*</c> environment variables.</param>
    public static ServiceProvider Create(IEnumerable<PluginFolder> plugins, Action<BlockRegistry>? extraBlocks = null,
                                         IConfiguration? configuration = null)
    {
        var folders = plugins.ToList();
        return new ServiceCollection()
            .AddSingleton(configuration ?? HostSettings.FromEnvironment())
            .AddSingleton(services => HostSettings.From(services.GetRequiredService<IConfiguration>()))
            .AddSingleton<IPlatform>(HostPlatform.Process)
            .AddSingleton<IReadOnlyList<PluginFolder>>(folders)
            .AddSingleton(_ => BlockCatalogue.Create(folders, extraBlocks, HostPlatform.Process.Convolutions))
            .AddSingleton<ManifestLoader>()
            .AddSingleton(services => new PretrainingCache(services.GetRequiredService<HostSettings>().CacheFolder))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>A method runner over the host's pre-training cache and platform layer, logging to <paramref name="log"/>.</summary>
    public static MethodRunner Runner(IServiceProvider host, TextWriter log) =>
        new(log, host.GetRequiredService<PretrainingCache>(), host.GetRequiredService<IPlatform>(),
            host.GetRequiredService<IReadOnlyList<PluginFolder>>());
}
