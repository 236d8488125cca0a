using System.Xml.Linq;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Packaging;

/// <summary>
/// A temporary folder where the packages are packed to a local feed and a plugin is made from the template, outside
/// the repository and without changing the user's machine: the template goes into a dotnet new hive of its own, and
/// restore extracts into a packages folder of its own (so a Taxonomy.Abstractions of the same version that an earlier
/// pack left in the user's cache is never used instead of the one just packed).
/// </summary>
public sealed class PackagingWorkspace : IDisposable
{
    private static readonly TimeSpan s_dotnetLimit = TimeSpan.FromMinutes(5);

    public PackagingWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), $"taxonomy-packaging-{Guid.NewGuid():N}");
        foreach (var folder in new[] { Feed, Hive, Packages, CacheView, Work })
        {
            Directory.CreateDirectory(folder);
        }
    }

    public string Root { get; }

    /// <summary>The local folder feed the packages are packed to.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The dotnet new settings folder (--debug:custom-hive) the template is installed into.</summary>
    public string Hive => Path.Combine(Root, "hive");

    /// <summary>NUGET_PACKAGES of the plugin's restore.</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <summary>The user's package cache without Taxonomy's packages: the restore's fallback folder (links, no copies).</summary>
    public string CacheView => Path.Combine(Root, "cache-view");

    /// <summary>Where plugins are created: outside the repository, with a nuget.config that names the local feed.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>The version every project packs with: Version in the repository's Directory.Build.props.</summary>
    public static string Version { get; } = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "Directory.Build.props"))
        .Descendants("Version").Single().Value;

    /// <summary>The environment of the commands that restore the plugin or use the hive.</summary>
    public IReadOnlyDictionary<string, string> PluginEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>`dotnet pack` of a repository project into the feed; bin/ and obj/ go under the workspace, not the project.</summary>
    public ChildResult Pack(string project) => Dotnet(TestPaths.RepositoryRoot, null,
        "pack", Path.Combine(TestPaths.RepositoryRoot, project), "--output", Feed,
        "--artifacts-path", Path.Combine(Root, "artifacts"), "-nodeReuse:false");

    public ChildResult Dotnet(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ChildProcess.Run("dotnet", workingDirectory, s_dotnetLimit, environment, arguments);

    /// <summary>
    /// Writes Work/nuget.config: the local feed beside the sources the machine already has (its mirror), and a view of
    /// the user's package cache as fallback folder, so TorchSharp and its dependencies restore without a download.
    /// </summary>
    public void WriteNuGetConfig()
    {
        var cache = GlobalPackagesFolder();
        foreach (var package in Directory.GetDirectories(cache))
        {
            var name = Path.GetFileName(package);
            if (!name.StartsWith("taxonomy.", StringComparison.OrdinalIgnoreCase))
            {
                Directory.CreateSymbolicLink(Path.Combine(CacheView, name), package);
            }
        }
        var config = new XDocument(new XElement("configuration",
            new XElement("packageSources", new XElement("add", new XAttribute("key", "taxonomy-local"), new XAttribute("value", Feed))),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "cache"), new XAttribute("value", CacheView)))));
        config.Save(Path.Combine(Work, "nuget.config"));
    }

    /// <summary>The user's NuGet cache, as NuGet itself reports it (NUGET_PACKAGES, a config setting or ~/.nuget/packages).</summary>
    private string GlobalPackagesFolder()
    {
        var result = Dotnet(Root, null, "nuget", "locals", "global-packages", "--list");
        Assert.That(result.Code, Is.EqualTo(0), result.Report);
        const string prefix = "global-packages:";
        var line = result.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line[prefix.Length..].Trim();
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);   // deletes the links of the cache view, never what they point to
        }
    }
}
