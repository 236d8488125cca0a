using Taxonomy.Host.Manifest;
using Taxonomy.Host.Running;

namespace Taxonomy.Tests.TestSupport;

/// <summary>A shipped Table 1 row with a CNN, shrunk: 3 blobs of 16-D read as 1×4×4 images, a small CNN, 3 epochs.</summary>
internal static class SmallImageRows
{
    private static readonly string[] s_shrink =
    [
        "data={\"source\": \"blobs\", \"perCluster\": 30, \"clusters\": 3, \"dimensions\": 16}",
        "preprocessor=[{\"type\": \"unit-scale\"}, {\"type\": \"reshape\", \"shape\": [1, 4, 4]}]",
        "branch.channels=[8]", "branch.dense=[8]", "schedule.epochs=3", "log.metricsEvery=0", "threads=1",
        "pretrainingCache=false",
    ];

    /// <summary>Loads manifests/table1/<paramref name="row"/>.json shrunk, with further overrides, and runs it.</summary>
    public static (MethodDefinition Definition, RunResult Result) Run(string row, params string[] overrides)
    {
        var services = Manifests.Services();
        var file = Path.Combine(TestPaths.RepositoryRoot, "manifests", "table1", row + ".json");
        var definition = services.Loader.Load(file, [.. s_shrink, .. overrides]);
        return (definition, Manifests.Runner(TextWriter.Null).Run(definition));
    }
}
