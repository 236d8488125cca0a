using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Registry;
using Taxonomy.Host.Running;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;
using TorchSharp;

namespace Taxonomy.Tests.Plugins;

[TestFixture]
public sealed class PluginHostTests
{
    private static BlockRegistry Load(params string[] folders)
    {
        var registry = new BlockRegistry();
        PluginHost.LoadInto(registry, folders.Select(PluginFiles.Folder));
        return registry;
    }

    private static string LoadError(params string[] folders) =>
        Assert.Throws<PluginException>(() => Load(folders))!.Message;

    [Test]
    public void The_sample_plugin_registers_gmm_with_its_assembly_as_origin()
    {
        var gmm = Load(PluginFiles.GmmFolder).Find(BlockRole.PostClustering, "gmm");

        Assert.That(gmm, Is.Not.Null, "the sample plugin registers a post-clustering block named 'gmm'");
        Assert.That(gmm!.Origin, Is.EqualTo(PluginFiles.GmmAssembly));
        Assert.That(gmm.ImplementationType.Assembly.GetName().Name, Is.EqualTo("Taxonomy.Plugins.Gmm"));
        Assert.That(gmm.Summary, Does.Contain("Gaussian mixture"));
    }

    [Test]
    public void A_plugin_runs_in_its_own_load_context_with_the_hosts_contract_and_torchsharp()
    {
        var type = Load(PluginFiles.GmmFolder).Find(BlockRole.PostClustering, "gmm")!.ImplementationType;
        var context = AssemblyLoadContext.GetLoadContext(type.Assembly)!;

        Assert.That(context, Is.Not.SameAs(AssemblyLoadContext.Default));
        Assert.That(typeof(IPostClustering).IsAssignableFrom(type), Is.True);
        Assert.That(context.LoadFromAssemblyName(typeof(torch).Assembly.GetName()), Is.SameAs(typeof(torch).Assembly));
        Assert.That(context.LoadFromAssemblyName(typeof(IBlock).Assembly.GetName()), Is.SameAs(typeof(IBlock).Assembly));
    }

    [Test]
    public void A_plugins_root_holds_one_subfolder_per_plugin()
    {
        Assert.That(PluginHost.Find(PluginFiles.Folder(PluginFiles.Root)), Is.EqualTo(new[] { PluginFiles.GmmAssembly }));
        Assert.That(PluginHost.Find(PluginFiles.Folder(PluginFiles.GmmFolder)), Is.EqualTo(new[] { PluginFiles.GmmAssembly }),
            "a build output folder: X.dll beside X.deps.json");
    }

    [Test]
    public void The_same_assembly_named_twice_is_loaded_once()
    {
        Assert.That(Load(PluginFiles.Root, PluginFiles.GmmFolder).OfRole(BlockRole.PostClustering).Count(b => b.Name == "gmm"),
            Is.EqualTo(1));
    }

    [Test]
    public void An_optional_folder_that_does_not_exist_is_skipped()
    {
        var registry = new BlockRegistry();
        Assert.DoesNotThrow(() => PluginHost.LoadInto(registry, [new PluginFolder("/no/such/plugins", "default", Optional: true)]));
    }

    [Test]
    public void A_missing_folder_is_named_with_who_asked_for_it()
    {
        var error = Assert.Throws<PluginException>(() =>
            PluginHost.LoadInto(new BlockRegistry(), [new PluginFolder("/no/such/plugins", "--plugins")]))!.Message;
        Assert.That(error, Is.EqualTo("--plugins: plugin folder '/no/such/plugins' not found."));
    }

    [Test]
    public void A_folder_without_a_plugin_assembly_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("readme.txt"), "no assemblies here");

        Assert.That(LoadError(temp.Path), Is.EqualTo(
            $"test: no plugin assembly in '{temp.Path}': expected X.dll beside X.deps.json (the output of dotnet build or " +
            "publish) or a subfolder <Name>/<Name>.dll."));
    }

    [Test]
    public void A_file_that_is_not_an_assembly_fails_with_the_loaders_reason()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("Broken"));
        var path = temp.File("Broken/Broken.dll");
        File.WriteAllText(path, "not a PE file");

        var error = LoadError(temp.Path);
        Assert.That(error, Does.StartWith($"{path}: the plugin assembly could not be loaded: "));
        Assert.That(error, Does.Contain("it is not a .NET assembly (Image is too small)"), "the reason, read before the loader runs");
    }

    [Test]
    public void An_assembly_without_a_plugin_class_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        var path = PluginFiles.WriteAssemblyWithoutPlugin(temp.Path, "NoPlugin");

        Assert.That(LoadError(temp.Path), Is.EqualTo(
            $"{path}: no plugin in this assembly: it needs a public class implementing " +
            "Taxonomy.Abstractions.Registration.ITaxonomyPlugin."));
    }

    [Test]
    public void A_plugin_built_against_another_major_version_of_the_abstractions_is_refused()
    {
        using var temp = new TempFolder();
        var path = PluginFiles.CopyGmm(temp.File("Gmm9"));
        PluginFiles.SetReferencedContractVersion(path, 9, 2);
        var host = typeof(ITaxonomyPlugin).Assembly.GetName().Version!.ToString(2);

        Assert.That(LoadError(temp.File("Gmm9")), Is.EqualTo(
            $"plugin {path} was built against Taxonomy.Abstractions 9.2, the host has {host}. Rebuild the plugin against this version."));
    }

    [Test]
    public void A_block_name_defined_twice_names_both_assemblies()
    {
        using var temp = new TempFolder();
        var first = PluginFiles.CopyGmm(temp.File("a"));
        var second = PluginFiles.CopyGmm(temp.File("b"));

        Assert.That(LoadError(temp.File("a"), temp.File("b")), Is.EqualTo(
            $"{second}: The postClustering block 'gmm' is defined twice: by Taxonomy.Plugins.Gmm.GmmPostClustering ({first}) " +
            $"and by Taxonomy.Plugins.Gmm.GmmPostClustering ({second})."));
    }

    [Test]
    public void A_plugin_block_clusters_blobs_end_to_end()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new JsonObject { ["type"] = "gmm", ["covariance"] = "diag", ["restarts"] = 2 };
        var registry = BlockCatalogue.Create([PluginFiles.Folder(PluginFiles.GmmFolder)]);
        var method = new ManifestLoader(registry).Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File));
        var log = new StringWriter();

        var result = Manifests.Runner(log).Run(method);

        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.99));
        Assert.That(log.ToString(), Does.Contain("gmm restart 2/2: log-likelihood"));
        Assert.That(result.EffectiveManifest["postClustering"]!["covariance"]!.GetValue<string>(), Is.EqualTo("diag"));
    }

    [Test]
    public void Plugin_options_are_checked_like_built_in_ones()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new JsonObject { ["type"] = "gmm", ["covariance"] = "spherical" };
        var registry = BlockCatalogue.Create([PluginFiles.Folder(PluginFiles.GmmFolder)]);

        var error = Assert.Throws<ManifestException>(() => new ManifestLoader(registry)
            .Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File)))!.Message;
        Assert.That(error, Does.Contain("postClustering.covariance: 'spherical' is not a valid choice; valid: full, diag"));
    }
}
