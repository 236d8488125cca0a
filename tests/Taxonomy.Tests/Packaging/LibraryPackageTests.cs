using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Packaging;

/// <summary>
/// The library as a user gets it. The example program (examples/LibraryExample) builds and runs in the repository;
/// and the same program, in a project outside the repository that references the packed Taxonomy package (not our
/// sources), restores, builds (with the package's own libLibTorchSharp.so patch), fits, saves, loads and predicts.
/// The one-time set-up packs the three library packages and builds the outside project (a minute or two).
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed class LibraryPackageTests
{
    private const string Consumer = "Acme.Clustering";

    private static readonly string[] s_quickDec =
        [Path.Combine(TestPaths.RepositoryRoot, "manifests", "dec.json"), "schedule.pretrainEpochs=3", "schedule.clusteringEpochs=2", "threads=1"];

    private PackagingWorkspace _workspace = null!;
    private ChildResult _build = null!;

    private string ConsumerFolder => Path.Combine(_workspace.Work, Consumer);

    private string LibraryPackage => Path.Combine(_workspace.Feed, $"Taxonomy.{PackagingWorkspace.Version}.nupkg");

    [OneTimeSetUp]
    public void PackTheLibraryAndBuildAProgramOutsideTheRepository()
    {
        _workspace = new PackagingWorkspace();
        foreach (var project in new[] { "src/Taxonomy.Abstractions", "src/Taxonomy.Blocks", "src/Taxonomy.Host" })
        {
            var pack = _workspace.Pack(project);
            Assert.That(pack.Code, Is.EqualTo(0), pack.Report);
        }
        Directory.CreateDirectory(ConsumerFolder);
        File.Copy(Path.Combine(TestPaths.RepositoryRoot, "examples", "LibraryExample", "Program.cs"), Path.Combine(ConsumerFolder, "Program.cs"));
        new XDocument(new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("PropertyGroup",
                new XElement("OutputType", "Exe"), new XElement("TargetFramework", "net10.0"),
                new XElement("ImplicitUsings", "enable"), new XElement("Nullable", "enable")),
            new XElement("ItemGroup", new XElement("PackageReference",
                new XAttribute("Include", "Taxonomy"), new XAttribute("Version", PackagingWorkspace.Version)))))
            .Save(Path.Combine(ConsumerFolder, $"{Consumer}.csproj"));
        _workspace.WriteNuGetConfig();
        _build = _workspace.Dotnet(ConsumerFolder, _workspace.PluginEnvironment, "build", "-nodeReuse:false");
    }

    [OneTimeTearDown]
    public void RemoveTheWorkspace() => _workspace?.Dispose();

    [Test]
    public void The_library_package_carries_the_host_assembly_its_dependencies_and_the_patch_targets()
    {
        using var package = ZipFile.OpenRead(LibraryPackage);
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(d => d.Attribute("id")!.Value).ToList();

        Assert.That(dependencies, Has.Member("Taxonomy.Blocks").And.Member("libtorch-cpu-linux-x64").And.Member("McMaster.NETCore.Plugins"));
        Assert.That(dependencies, Has.None.Contains("Gmm"), "the sample plugin is not part of the library");
        Assert.That(package.Entries.Select(e => e.FullName), Has.Member("lib/net10.0/taxonomy.dll")
            .And.Member("buildTransitive/Taxonomy.targets").And.Member("buildTransitive/LibTorchSharpPatch.targets")
            .And.Member("tools/elfpatch/Taxonomy.ElfPatch.dll").And.Member("package-readme.md"));
        Assert.That(package.Entries.Select(e => e.FullName), Has.None.EndsWith(".so"), "libtorch comes as a dependency");
    }

    [Test]
    public void A_program_outside_the_repository_builds_against_the_packed_library()
    {
        Assert.That(_build.Code, Is.EqualTo(0), _build.Report);
        Assert.That(ConsumerFolder, Does.Not.StartWith(TestPaths.RepositoryRoot));
        var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(ConsumerFolder, "obj", "project.assets.json")))!;
        foreach (var id in new[] { "Taxonomy", "Taxonomy.Blocks", "Taxonomy.Abstractions" })
        {
            Assert.That(assets["libraries"]![$"{id}/{PackagingWorkspace.Version}"]?["type"]?.GetValue<string>(), Is.EqualTo("package"), id);
        }
    }

    [Test]
    public void The_program_built_from_the_package_fits_saves_loads_and_predicts()
    {
        Assert.That(_build.Code, Is.EqualTo(0), _build.Report);
        var program = Path.Combine(ConsumerFolder, "bin", "Debug", "net10.0", $"{Consumer}.dll");
        var output = Path.Combine(ConsumerFolder, "dec-model");
        var run = ChildProcess.Run("dotnet", ConsumerFolder, TimeSpan.FromMinutes(3), null, [program, .. s_quickDec, "--out", output]);
        CheckExampleOutput(run, output);
    }

    [Test]
    public void The_example_program_runs_in_the_repository()
    {
        var output = Path.Combine(_workspace.Root, "example-model");
        var run = _workspace.Dotnet(TestPaths.RepositoryRoot, null,
            ["run", "--project", Path.Combine("examples", "LibraryExample"), "--", .. s_quickDec, "--out", output]);
        CheckExampleOutput(run, output);
    }

    /// <summary>What the example prints: the training, the loaded model on 297 unseen digits, its soft assignments and embedding.</summary>
    private static void CheckExampleOutput(ChildResult run, string modelFolder)
    {
        Assert.That(run.Code, Is.EqualTo(0), run.Report);
        Assert.That(run.Out, Does.Contain("pretrain epoch 3/3: losses").And.Contain("clustering epoch 2/2: losses"));
        Assert.That(run.Out, Does.Match(@"trained DEC: 10 clusters, training ACC 0\.\d{4}, NMI 0\.\d{4}"));
        Assert.That(run.Out, Does.Contain($"loaded {modelFolder}: 297 unseen digits in").And.Contain("(Partition)"));
        Assert.That(run.Out, Does.Contain("soft assignments 297 x 10, first row sums to 1.0000"));
        Assert.That(run.Out, Does.Contain("embedding 297 x 10"));
        Assert.That(File.Exists(Path.Combine(modelFolder, "model.json")), modelFolder);
    }
}
