using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Taxonomy.Tests.Packaging;

/// <summary>
/// The way a plugin author starts, end to end: `dotnet pack` the abstractions and the template into a local feed,
/// `dotnet new install` the template, `dotnet new taxonomy-block` a plugin outside the repository, build it against the
/// packed package, and let the `taxonomy` program list, validate and run the template's manifest with it.
/// The one-time set-up packs, installs, creates and builds (about a minute); the tests read what it left.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed partial class PluginTemplateTests
{
    private const string PluginName = "Acme.Blocks";   // a dotted name: the template must keep it a valid namespace
    private const string Manifest = "pca-ae-huber-kmeans.json";

    private PackagingWorkspace _workspace = null!;
    private ChildResult _build = null!;

    private string PluginFolder => Path.Combine(_workspace.Work, PluginName);

    private string PluginOutput => Path.Combine(PluginFolder, "bin", "Debug", "net10.0");

    private static string Taxonomy => Path.Combine(AppContext.BaseDirectory, "taxonomy");

    private string AbstractionsPackage => Path.Combine(_workspace.Feed, $"Taxonomy.Abstractions.{PackagingWorkspace.Version}.nupkg");

    private string TemplatesPackage => Path.Combine(_workspace.Feed, $"Taxonomy.Templates.{PackagingWorkspace.Version}.nupkg");

    [OneTimeSetUp]
    public void PackInstallCreateAndBuildAPlugin()
    {
        _workspace = new PackagingWorkspace();
        foreach (var project in new[] { "src/Taxonomy.Abstractions", "templates/Taxonomy.Templates" })
        {
            var pack = _workspace.Pack(project);
            Assert.That(pack.Code, Is.EqualTo(0), pack.Report);
        }
        var hive = new[] { "--debug:custom-hive", _workspace.Hive };
        var install = _workspace.Dotnet(_workspace.Root, _workspace.PluginEnvironment, ["new", "install", TemplatesPackage, .. hive]);
        Assert.That(install.Code, Is.EqualTo(0), install.Report);
        var create = _workspace.Dotnet(_workspace.Work, _workspace.PluginEnvironment,
            ["new", "taxonomy-block", "--name", PluginName, "--no-update-check", .. hive]);
        Assert.That(create.Code, Is.EqualTo(0), create.Report);

        _workspace.WriteNuGetConfig();
        _build = _workspace.Dotnet(PluginFolder, _workspace.PluginEnvironment, "build", "-nodeReuse:false");
    }

    [OneTimeTearDown]
    public void RemoveTheWorkspace() => _workspace?.Dispose();

    [Test]
    public void The_abstractions_package_carries_the_repository_version_its_metadata_and_no_native_file()
    {
        using var package = ZipFile.OpenRead(AbstractionsPackage);
        var nuspec = Nuspec(package);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.That(metadata.Element(ns + "id")!.Value, Is.EqualTo("Taxonomy.Abstractions"));
        Assert.That(metadata.Element(ns + "version")!.Value, Is.EqualTo(PackagingWorkspace.Version));
        Assert.That(metadata.Element(ns + "license")!.Value, Is.EqualTo("MIT"));
        Assert.That(metadata.Element(ns + "description")!.Value, Does.Contain("block interfaces"));
        Assert.That(metadata.Element(ns + "readme")!.Value, Is.EqualTo("package-readme.md"));
        Assert.That(metadata.Element(ns + "repository"), Is.Null, "no repository element (the build machine's commit)");
        Assert.That(metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value), Is.EquivalentTo(new[] { "TorchSharp" }));
        Assert.That(package.Entries.Select(e => e.FullName), Has.Member("lib/net10.0/Taxonomy.Abstractions.dll").And.Member("package-readme.md"));
        Assert.That(package.Entries.Select(e => e.FullName),
            Has.None.StartsWith("runtimes/").And.None.EndsWith(".so").And.None.Contains("TorchSharp"));
    }

    [Test]
    public void The_template_package_is_a_template_whose_project_references_the_packed_version()
    {
        using var package = ZipFile.OpenRead(TemplatesPackage);
        var nuspec = Nuspec(package);

        Assert.That(nuspec.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")!.Value),
            Is.EqualTo(new[] { "Template" }));
        Assert.That(nuspec.Descendants().Where(e => e.Name.LocalName == "dependency"), Is.Empty);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Has.Member("content/TaxonomyBlock/.template.config/template.json"));
        Assert.That(entries, Has.None.EndsWith(".dll"));
        using var project = new StreamReader(package.GetEntry("content/TaxonomyBlock/MyBlocks.csproj")!.Open());
        Assert.That(project.ReadToEnd(),
            Does.Contain($"<PackageReference Include=\"Taxonomy.Abstractions\" Version=\"{PackagingWorkspace.Version}\" ExcludeAssets=\"runtime;native\" />"));
    }

    [Test]
    public void A_plugin_made_from_the_template_outside_the_repository_builds_against_the_packed_package()
    {
        Assert.That(_build.Code, Is.EqualTo(0), _build.Report);
        Assert.That(PluginFolder, Does.Not.StartWith(TestSupport.TestPaths.RepositoryRoot));
        var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(PluginFolder, "obj", "project.assets.json")))!;
        var library = assets["libraries"]![$"Taxonomy.Abstractions/{PackagingWorkspace.Version}"];
        Assert.That(library?["type"]?.GetValue<string>(), Is.EqualTo("package"), "a package, not a project reference");
        Assert.That(Directory.Exists(Path.Combine(_workspace.Packages, "taxonomy.abstractions", PackagingWorkspace.Version)),
            "restored from the local feed into the workspace's own packages folder");
    }

    [Test]
    public void The_built_plugin_ships_its_own_assembly_and_nothing_the_host_supplies()
    {
        Assert.That(_build.Code, Is.EqualTo(0), _build.Report);
        var files = Directory.GetFiles(PluginOutput, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.That(files, Has.Member($"{PluginName}.dll").And.Member($"{PluginName}.deps.json"));
        Assert.That(files, Has.None.StartsWith("Taxonomy.Abstractions").And.None.StartsWith("TorchSharp")
            .And.None.EndsWith(".so").And.None.StartsWith("SkiaSharp"));
        var deps = File.ReadAllText(Path.Combine(PluginOutput, $"{PluginName}.deps.json"));
        Assert.That(deps, Does.Not.Contain("TorchSharp").And.Not.Contain("Taxonomy.Abstractions"));
    }

    [Test]
    public void Taxonomy_lists_the_template_blocks_from_the_built_plugin()
    {
        Assert.That(_build.Code, Is.EqualTo(0), _build.Report);
        var list = RunTaxonomy("list", "--plugins", PluginOutput);

        Assert.That(list.Code, Is.EqualTo(0), list.Report);
        var origin = $"[from {Path.Combine(PluginOutput, PluginName + ".dll")}]";
        Assert.That(list.Out, Does.Contain("  huber-kmeans — Robust k-means loss").And.Contain("      delta = 1  "));
        Assert.That(list.Out.Split('\n').Where(l => l.Contains(origin)).Select(l => l.Trim().Split(' ')[0]),
            Is.EquivalentTo(new[] { "pca", "huber-kmeans" }));
    }

    [Test]
    public void The_template_manifest_validates_and_a_tiny_run_trains_with_the_plugin_loss()
    {
        Assert.That(_build.Code, Is.EqualTo(0), _build.Report);
        var manifest = Path.Combine(PluginFolder, Manifest);
        var validate = RunTaxonomy("validate", manifest, "--plugins", PluginOutput);
        Assert.That(validate.Code, Is.EqualTo(0), validate.Report);
        Assert.That(validate.Out, Does.Contain("preprocessor[2] ('pca')").And.Contain("clusteringLoss ('huber-kmeans')"));

        var output = Path.Combine(_workspace.Root, "run");
        var run = RunTaxonomy("run", manifest, "--plugins", PluginOutput, "--out", output,
            "--set", "threads=1", "--set", "pretrainingCache=false", "--set", "data.limit=300",
            "--set", "preprocessor.2.components=16", "--set", "branch.dims=[32,8]",
            "--set", "schedule.pretrainEpochs=2", "--set", "schedule.clusteringEpochs=2", "--set", "clusterUpdater.restarts=2");

        Assert.That(run.Code, Is.EqualTo(0), run.Report);
        var clusteringLosses = ClusteringLossLine().Matches(run.Out)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.That(clusteringLosses, Has.Count.EqualTo(2).And.All.GreaterThan(0), "the plugin's loss took part in both clustering epochs");
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "result.json")))!;
        Assert.That(result["effectiveManifest"]!["clusteringLoss"]!["type"]!.GetValue<string>(), Is.EqualTo("huber-kmeans"));
        Assert.That(result["effectiveManifest"]!["preprocessor"]![2]!["type"]!.GetValue<string>(), Is.EqualTo("pca"));
        Assert.That(result["n"]!.GetValue<int>(), Is.EqualTo(300));
        Assert.That(File.ReadAllLines(Path.Combine(output, "assignments.csv")), Has.Length.EqualTo(301));
    }

    private ChildResult RunTaxonomy(params string[] arguments) =>
        ChildProcess.Run(Taxonomy, PluginFolder, TimeSpan.FromMinutes(3), null, arguments);

    private static XDocument Nuspec(ZipArchive package) =>
        XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());

    [GeneratedRegex(@"\(non-clustering [0-9.e+-]+, clustering ([0-9.e+-]+)\)")]
    private static partial Regex ClusteringLossLine();
}
