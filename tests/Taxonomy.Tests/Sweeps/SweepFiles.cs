using System.Text.Json.Nodes;
using Taxonomy.Host.Sweeps;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Sweeps;

/// <summary>A temporary folder with the test manifest and a grid over it.</summary>
internal sealed class SweepFiles : IDisposable
{
    private readonly TempFolder _temp = new();

    public SweepFiles()
    {
        System.IO.File.WriteAllText(Manifest, Manifests.AeKMeans().ToJsonString());
    }

    public string Path => _temp.Path;
    public string Manifest => _temp.File("ae.json");
    public string Sweep => _temp.File("sweep");

    public string File(string name) => _temp.File(name);

    /// <summary>A grid over ae.json: 2 seeds × 2 learning rates, plus the given fields.</summary>
    public string Grid(JsonObject? more = null)
    {
        var grid = new JsonObject
        {
            ["name"] = "test",
            ["manifests"] = new JsonArray("ae.json"),
            ["seeds"] = new JsonArray(1, 2),
            ["set"] = new JsonObject { ["optimizer.learningRate"] = new JsonArray(0.01, 0.1) },
            ["fixed"] = new JsonArray("threads=1"),
        };
        foreach (var (key, value) in more ?? [])
        {
            grid[key] = value?.DeepClone();
        }
        var path = _temp.File("grid.json");
        System.IO.File.WriteAllText(path, grid.ToJsonString());
        return path;
    }

    /// <summary>The plan of a grid without binding its manifests (collect and resume tests write the folders by hand).</summary>
    public SweepPlan Plan(string grid, bool table1 = false) => new()
    {
        Directory = Sweep, Name = "test", IsTable1 = table1,
        Runs = SweepRun.Expand(Host.Sweeps.Grid.Load(grid)).Select(r => new PlannedRun(r, "test AE+k-means", null)).ToList(),
    };

    /// <summary>A complete run folder: result.json with these metrics.</summary>
    public void Result(SweepPlan plan, int run, double acc, double nmi, double ari, double seconds)
    {
        var folder = Directory.CreateDirectory(plan.RunFolder(plan.Runs[run].Run)).FullName;
        var result = new JsonObject
        {
            ["method"] = "test AE+k-means",
            ["metrics"] = new JsonObject { ["acc"] = acc, ["nmi"] = nmi, ["ari"] = ari, ["purity"] = acc },
            ["totalSeconds"] = seconds,
        };
        System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "result.json"), result.ToJsonString());
    }

    public void Dispose() => _temp.Dispose();
}
