using System.Text.Json.Nodes;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Registry;

namespace Taxonomy.Tests.TestSupport;

/// <summary>Small manifests for tests: AE + k-means on a little data, edited per test.</summary>
public static class Manifests
{
    public const string File = "test-manifest.json";

    /// <summary>AE + k-means on 4 well-separated 2-D blobs (tiny and fast).</summary>
    public static JsonObject AeKMeans() => new()
    {
        ["name"] = "test AE+k-means",
        ["seed"] = 3,
        ["pretrainingCache"] = false,
        ["data"] = new JsonObject { ["source"] = "blobs", ["perCluster"] = 50, ["clusters"] = 4, ["dimensions"] = 8 },
        ["preprocessor"] = new JsonObject { ["type"] = "standardize" },
        ["branch"] = new JsonObject { ["type"] = "mlp-autoencoder", ["dims"] = new JsonArray(32, 4) },
        ["featureSelector"] = new JsonObject { ["type"] = "embedding" },
        ["nonClusteringLoss"] = new JsonObject { ["type"] = "reconstruction" },
        ["clusteringLoss"] = new JsonObject { ["type"] = "none" },
        ["schedule"] = new JsonObject { ["type"] = "pretrain", ["epochs"] = 5 },
        ["clusterUpdater"] = new JsonObject { ["type"] = "none" },
        ["postClustering"] = new JsonObject { ["type"] = "kmeans", ["restarts"] = 3 },
        ["optimizer"] = new JsonObject { ["type"] = "adam", ["learningRate"] = 0.01, ["batchSize"] = 32 },
        ["log"] = new JsonObject { ["metricsEvery"] = 0 },
    };

    /// <summary>The built-in blocks, the test blocks and those of <paramref name="plugins"/>.</summary>
    public static Catalogue Services(params PluginFolder[] plugins) => new(BlockCatalogue.Create(plugins, TestBlocks.Register));

    public static MethodDefinition Load(JsonObject manifest, params string[] overrides) =>
        Services().Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), File), overrides);

    /// <summary>
    /// The message of the <see cref="ManifestException"/> composing this manifest's blocks throws (the checks
    /// `taxonomy validate` runs), or null when they fit together.
    /// </summary>
    public static string? ComposeError(JsonObject manifest) =>
        ComposeError(services => services.Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), File)));

    /// <summary>As <see cref="ComposeError(JsonObject)"/> for a shipped manifest of manifests/ with overrides.</summary>
    public static string? ComposeError(string shipped, params string[] overrides) =>
        ComposeError(services => services.Loader.Load(
            Path.Combine(TestPaths.RepositoryRoot, "manifests", shipped + ".json"), overrides));

    private static string? ComposeError(Func<Catalogue, MethodDefinition> load)
    {
        var method = load(Services());
        try
        {
            using var pipeline = Pipeline.Compose(method);
            return null;
        }
        catch (ManifestException e)
        {
            return e.Message;
        }
    }

    /// <summary>The message of the <see cref="ManifestException"/> loading this manifest throws.</summary>
    public static string LoadError(JsonObject manifest, params string[] overrides) =>
        Assert.Throws<ManifestException>(() => Load(manifest, overrides))!.Message;

    /// <summary>A block registry, and a loader over it that applies --set overrides as the command line does.</summary>
    public sealed class Catalogue(BlockRegistry registry)
    {
        public OverridingLoader Loader => new(new ManifestLoader(registry));

        public BlockRegistry Registry => registry;
    }

    public sealed class OverridingLoader(ManifestLoader loader)
    {
        public MethodDefinition Load(string path, IEnumerable<string>? overrides = null) =>
            Load(ManifestDocument.Load(path), overrides);

        public MethodDefinition Load(ManifestDocument document, IEnumerable<string>? overrides = null)
        {
            document.Apply((overrides ?? []).Select(FieldAssignment.Parse));
            return loader.Load(document);
        }
    }
}
