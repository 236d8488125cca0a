using System.Text.Json.Nodes;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Plugins;

[TestFixture]
[NonParallelizable]
public sealed class PluginCliTests
{
    private static JsonObject GmmManifest()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = new JsonObject { ["type"] = "gmm" };
        return manifest;
    }

    private static string Write(TempFolder folder, JsonObject manifest)
    {
        var path = folder.File("m.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    [Test]
    public void List_with_plugins_shows_the_plugin_block_and_where_it_came_from()
    {
        var (code, output, _) = CliRunner.Run("list", "--plugins", PluginFiles.GmmFolder);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain($"  gmm — Gaussian mixture").And.Contain($"[from {PluginFiles.GmmAssembly}]"));
        Assert.That(output, Does.Contain("covariance = full"));
    }

    [Test]
    public void Without_the_plugin_its_block_is_unknown()
    {
        using var temp = new TempFolder();
        var (code, _, error) = CliRunner.Run("validate", Write(temp, GmmManifest()));

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Match(@"postClustering\.type: unknown postClustering 'gmm'\. Valid choices: [a-z, -]*kmeans"));
        Assert.That(error, Does.Not.Contain("gmm,").And.Not.Contain(", gmm"));
    }

    [Test]
    public void Validate_loads_plugins_named_on_the_command_line()
    {
        using var temp = new TempFolder();
        var (code, output, _) = CliRunner.Run("validate", Write(temp, GmmManifest()), "--plugins", PluginFiles.Root);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("postClustering ('gmm')"));
    }

    [Test]
    public void The_manifests_plugins_field_is_relative_to_the_manifest()
    {
        using var temp = new TempFolder();
        PluginFiles.CopyGmm(temp.File("my-plugins/Taxonomy.Plugins.Gmm"));
        var manifest = GmmManifest();
        manifest["plugins"] = new JsonArray("my-plugins");

        var (code, output, _) = CliRunner.Run("validate", Write(temp, manifest));

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("postClustering ('gmm')"));
    }

    [Test]
    public void A_missing_manifest_plugin_folder_names_the_manifest_field()
    {
        using var temp = new TempFolder();
        var manifest = GmmManifest();
        manifest["plugins"] = new JsonArray("my-plugins");
        var path = Write(temp, manifest);

        var (code, _, error) = CliRunner.Run("validate", path);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo($"error: {path}: plugins[0]: plugin folder '{temp.File("my-plugins")}' not found."));
    }

    [Test]
    public void A_plugins_field_that_is_not_a_list_of_folders_is_an_error()
    {
        using var temp = new TempFolder();
        var manifest = GmmManifest();
        manifest["plugins"] = "my-plugins";
        var path = Write(temp, manifest);

        var (code, _, error) = CliRunner.Run("validate", path);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo(
            $"error: {path}: plugins: expected a list of folders relative to the manifest, e.g. [\"plugins/my-blocks\"]."));
    }

    [Test]
    public void A_block_defined_by_two_plugins_exits_2_with_one_error_line_naming_both()
    {
        using var temp = new TempFolder();
        var first = PluginFiles.CopyGmm(temp.File("a"));
        var second = PluginFiles.CopyGmm(temp.File("b"));

        var (code, _, error) = CliRunner.Run("list", "--plugins", temp.File("a"), "--plugins", temp.File("b"));

        Assert.That(code, Is.EqualTo(2));
        var lines = error.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain("'gmm' is defined twice").And.Contain(first).And.Contain(second));
    }
}
