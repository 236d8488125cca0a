using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Plugins.Gmm;

/// <summary>The plugin's entry point: the host finds this class and lets it register the plugin's blocks.</summary>
public sealed class GmmPlugin : ITaxonomyPlugin
{
    public void Register(IBlockRegistry blocks) => blocks.Add<GmmPostClustering, GmmPostClustering.Options>();
}
