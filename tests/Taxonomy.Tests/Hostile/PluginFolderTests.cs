using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>
/// Broken plugin folders given with --plugins: each is one line on stderr naming the folder or file and exit code 2;
/// none reaches the .NET host's dependency resolver in a shape that would abort the process.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PluginFolderTests
{
    private const string Target = ".NETCoreApp,Version=v10.0";
    private const string Rebuild = "; rebuild the plugin (dotnet build and publish write this file).";

    private TempFolder _folder = null!;
    private string _plugin = null!;

    [SetUp]
    public void CopyThePlugin()
    {
        _folder = new TempFolder();
        _plugin = _folder.File("gmm");
        PluginFiles.CopyGmm(_plugin);
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private string Assembly => Path.Combine(_plugin, PluginFiles.GmmName + ".dll");

    private string Deps => Path.Combine(_plugin, PluginFiles.GmmName + ".deps.json");

    /// <summary>`taxonomy list --plugins FOLDER`: exit code 2 and exactly one line, returned without its "error: ".</summary>
    private static string ListError(string folder)
    {
        var (code, output, error) = CliRunner.Run("list", "--plugins", folder);
        Assert.That(code, Is.EqualTo(2), output + error);
        var lines = error.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: "));
        return lines[0]["error: ".Length..];
    }

    private void EditDeps(Action<JsonObject> edit)
    {
        var deps = JsonNode.Parse(File.ReadAllText(Deps))!.AsObject();
        edit(deps);
        File.WriteAllText(Deps, deps.ToJsonString());
    }

    private static JsonObject Package(JsonObject deps) =>
        deps["targets"]![Target]![$"{PluginFiles.GmmName}/0.1.0"]!.AsObject();

    [Test]
    public void The_copied_sample_plugin_loads()
    {
        var (code, output, _) = CliRunner.Run("list", "--plugins", _plugin);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("gmm"));
    }

    [Test]
    public void A_deps_json_of_an_empty_object_is_refused_instead_of_aborting()
    {
        File.WriteAllText(Deps, "{}");

        Assert.That(ListError(_plugin), Is.EqualTo($"{Deps}: not a usable .deps.json: runtimeTarget is missing{Rebuild}"));
    }

    [Test]
    public void A_deps_json_that_is_not_json_is_refused()
    {
        File.WriteAllText(Deps, "garbage");

        Assert.That(ListError(_plugin), Does.StartWith($"{Deps}: not a usable .deps.json: it is not JSON (").And.EndWith(Rebuild));
    }

    [Test]
    public void An_empty_deps_json_file_is_refused()
    {
        File.WriteAllText(Deps, "");

        Assert.That(ListError(_plugin), Is.EqualTo(
            $"{Deps}: the file is empty, or is not a regular file (a FIFO, socket or device)."));
    }

    [Test]
    public void A_deps_json_that_is_an_array_is_refused()
    {
        File.WriteAllText(Deps, "[]");

        Assert.That(ListError(_plugin), Is.EqualTo($"{Deps}: not a usable .deps.json: the file is an array, not an object{Rebuild}"));
    }

    [TestCase("runtimeTarget.name", "runtimeTarget.name is a number, not a string")]
    [TestCase("targets", "targets is missing")]
    [TestCase("target", "targets[\".NETCoreApp,Version=v10.0\"] is missing")]
    [TestCase("runtime file", "targets[\".NETCoreApp,Version=v10.0\"][\"Taxonomy.Plugins.Gmm/0.1.0\"].runtime[\"Taxonomy.Plugins.Gmm.dll\"] is a string, not an object")]
    [TestCase("runtimeTargets", "targets[\".NETCoreApp,Version=v10.0\"][\"Taxonomy.Plugins.Gmm/0.1.0\"].runtimeTargets[\"x.so\"].rid is missing")]
    [TestCase("libraries", "libraries is missing")]
    [TestCase("library type", "libraries[\"Taxonomy.Plugins.Gmm/0.1.0\"].type is missing")]
    [TestCase("runtimes", "runtimes[\"linux-x64\"] is not an array of strings")]
    public void A_deps_json_missing_or_mistyping_a_section_the_resolver_reads_names_it(string damage, string fault)
    {
        EditDeps(deps =>
        {
            switch (damage)
            {
                case "runtimeTarget.name": deps["runtimeTarget"]!["name"] = 5; break;
                case "targets": deps.Remove("targets"); break;
                case "target": deps["targets"]!.AsObject().Remove(Target); break;
                case "runtime file": Package(deps)["runtime"]![PluginFiles.GmmName + ".dll"] = "x"; break;
                case "runtimeTargets": Package(deps)["runtimeTargets"] = new JsonObject { ["x.so"] = new JsonObject { ["assetType"] = "native" } }; break;
                case "libraries": deps.Remove("libraries"); break;
                case "library type": deps["libraries"]![$"{PluginFiles.GmmName}/0.1.0"]!.AsObject().Remove("type"); break;
                case "runtimes": deps["runtimes"] = new JsonObject { ["linux-x64"] = "linux" }; break;
            }
        });

        Assert.That(ListError(_plugin), Is.EqualTo($"{Deps}: not a usable .deps.json: {fault}{Rebuild}"));
    }

    [Test]
    public void A_plugin_folder_that_is_a_file_says_so()
    {
        Assert.That(ListError(Assembly), Is.EqualTo(
            $"--plugins: plugin folder '{Assembly}' is a file; give the folder that holds the plugin assembly."));
    }

    [Test]
    public void An_empty_plugin_folder_path_is_refused()
    {
        Assert.That(ListError(""), Is.EqualTo(
            "--plugins: plugin folder '' is not a usable path: The value cannot be an empty string. (Parameter 'path')"));
    }

    [Test]
    public void Garbage_bytes_named_as_the_plugin_assembly_are_not_a_dotnet_assembly()
    {
        File.WriteAllBytes(Assembly, Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray());

        Assert.That(ListError(_plugin), Does.StartWith(
            $"{Assembly}: the plugin assembly could not be loaded: it is not a .NET assembly ("));
    }

    [Test]
    public void A_pe_file_without_dotnet_metadata_is_refused_as_a_native_library()
    {
        PluginFiles.StripMetadata(Assembly);

        Assert.That(ListError(_plugin), Is.EqualTo(
            $"{Assembly}: the plugin assembly could not be loaded: it is not a .NET assembly (it has no .NET metadata; a native " +
            "library is not a plugin)."));
    }

    [Test]
    public void An_empty_plugin_assembly_is_refused()
    {
        File.WriteAllBytes(Assembly, []);

        Assert.That(ListError(_plugin), Is.EqualTo(
            $"{Assembly}: the file is empty, or is not a regular file (a FIFO, socket or device)."));
    }

    [TestCase(9, 2)]
    [TestCase(0, 2)]
    [TestCase(0, 0)]
    public void A_plugin_built_against_another_abstractions_version_is_refused(int major, int minor)
    {
        PluginFiles.SetReferencedContractVersion(Assembly, (ushort)major, (ushort)minor);
        var host = typeof(ITaxonomyPlugin).Assembly.GetName().Version!.ToString(2);
        Assume.That(host, Is.Not.EqualTo($"{major}.{minor}"));

        Assert.That(ListError(_plugin), Is.EqualTo(
            $"plugin {Assembly} was built against Taxonomy.Abstractions {major}.{minor}, the host has {host}. " +
            "Rebuild the plugin against this version."));
    }
}
