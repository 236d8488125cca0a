using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Running;

[TestFixture]
[NonParallelizable]   // sets TAXONOMY_CACHE
public sealed class TaxonomyHostTests
{
    private string? _previous;

    [SetUp]
    public void RememberTheCache() => _previous = Environment.GetEnvironmentVariable("TAXONOMY_CACHE");

    [TearDown]
    public void RestoreTheCache() => Environment.SetEnvironmentVariable("TAXONOMY_CACHE", _previous);

    [Test]
    public void The_host_resolves_one_registry_with_the_built_in_and_the_plugin_blocks_and_a_loader_over_it()
    {
        using var host = TaxonomyHost.Create([PluginFiles.Folder(PluginFiles.GmmFolder)]);
        var registry = host.GetRequiredService<BlockRegistry>();

        Assert.That(host.GetRequiredService<BlockRegistry>(), Is.SameAs(registry), "one registry per host");
        Assert.That(registry.Find(BlockRole.PostClustering, "gmm")?.Origin, Is.EqualTo(PluginFiles.GmmAssembly));
        Assert.That(registry.Find(BlockRole.PostClustering, "kmeans")?.Origin, Is.EqualTo("built-in"));
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "gmm" };
        var method = host.GetRequiredService<ManifestLoader>().Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File));
        Assert.That(method[BlockRole.PostClustering].Describe(), Does.Contain("gmm"));
    }

    [Test]
    public void TAXONOMY_CACHE_in_the_environment_is_the_hosts_cache_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "taxonomy-host-settings-cache");
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", folder);
        using var host = TaxonomyHost.Create([]);

        Assert.That(host.GetRequiredService<HostSettings>().Cache, Is.EqualTo(folder));
        Assert.That(host.GetRequiredService<PretrainingCache>().Directory, Is.EqualTo(folder));
    }

    [TestCase(null)]
    [TestCase("")]
    public void Without_TAXONOMY_CACHE_the_cache_is_in_the_users_home(string? value)
    {
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", value);
        using var host = TaxonomyHost.Create([]);

        Assert.That(host.GetRequiredService<PretrainingCache>().Directory, Is.EqualTo(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "taxonomy")));
    }
}
