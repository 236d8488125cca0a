using System.Text.Json.Nodes;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>A temporary folder with a tiny, fast manifest in it, for the command-line and run-folder cases.</summary>
public sealed class CliCases : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("taxonomy-hostile-cli-").FullName;

    /// <summary>AE + k-means on 200 blob points, one epoch.</summary>
    public string Manifest(Action<JsonObject>? edit = null)
    {
        var manifest = Manifests.AeKMeans();
        manifest["schedule"]!["epochs"] = 1;
        manifest["threads"] = 1;
        edit?.Invoke(manifest);
        var path = Path.Combine(Folder, $"m-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    public string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);

    public static (int Code, string Out, string Error) RunTaxonomy(params string[] args) => CliRunner.Run(args);

    /// <summary>The one line a failure prints, checked to be the whole of stderr.</summary>
    public static string OneErrorLine((int Code, string Out, string Error) result)
    {
        Assert.That(result.Code, Is.EqualTo(2), result.Error);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), result.Error);
        Assert.That(lines[0], Does.StartWith("error: "));
        return lines[0];
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
