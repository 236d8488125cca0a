using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Running;

/// <summary>The composition root: the block catalogue and the services blocks may ask for.</summary>
public static class TaxonomyServices
{
    public static ServiceProvider Create()
    {
        var registry = new BlockRegistry();
        BuiltInBlocks.Register(registry);
        return new ServiceCollection()
            .AddSingleton(registry)
            .AddSingleton<ManifestLoader>()
            .AddSingleton<IKMeans, KMeans>()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
