using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Registry;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

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

    /// <summary>
    /// The host as a command builds it; its registry holds the built-in blocks, the test blocks and those of <paramref name="plugins"/>.
    /// </summary>
    public static ServiceProvider Host(params PluginFolder[] plugins) => TaxonomyHost.Create(plugins, TestBlocks.Register);

    /// <summary>The host's registry and loader (see <see cref="Host"/>).</summary>
    public static Catalogue Services(params PluginFolder[] plugins) => new(Host(plugins));

    /// <summary>A method runner with the host's pre-training cache (TAXONOMY_CACHE as the environment has it now).</summary>
    public static MethodRunner Runner(TextWriter log) => Services().Runner(log);

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

    /// <summary>A host's block registry, its loader (applying --set overrides as the command line does) and runner.</summary>
    public sealed class Catalogue(ServiceProvider host) : IDisposable
    {
        /// <summary>The host itself, for code that takes the command's provider (sweep checks).</summary>
        public ServiceProvider Provider => host;

        public OverridingLoader Loader => new(host.GetRequiredService<ManifestLoader>());

        public BlockRegistry Registry => host.GetRequiredService<BlockRegistry>();

        public MethodRunner Runner(TextWriter log) => TaxonomyHost.Runner(host, log);

        public void Dispose() => host.Dispose();
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
