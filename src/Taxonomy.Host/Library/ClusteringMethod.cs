using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Data;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy;

/// <summary>
/// A deep-clustering method described by a manifest, ready to <see cref="Fit"/> — the library's entry point, used the
/// way ML.NET's estimators and scikit-learn's <c>fit</c> are. Overrides use the command line's --set syntax.
/// <code>
/// var method = ClusteringMethod.FromManifest("manifests/dec.json").With("schedule.clusteringEpochs=20");
/// using var model = method.Fit(DataSets.Load("digits"));
/// int[] clusters = model.Predict(DataSets.Load("digits"));
/// </code>
/// </summary>
public sealed class ClusteringMethod
{
    private readonly Func<ManifestDocument> _document;
    private readonly IReadOnlyList<string> _overrides;
    private readonly IReadOnlyList<string> _plugins;

    private ClusteringMethod(Func<ManifestDocument> document, IReadOnlyList<string> overrides, IReadOnlyList<string> plugins)
    {
        _document = document;
        _overrides = overrides;
        _plugins = plugins;
    }

    /// <summary>A method from a manifest file (its "extends" and relative paths resolved against its folder).</summary>
    public static ClusteringMethod FromManifest(string path) => new(() => ManifestDocument.Load(path), [], []);

    /// <summary>A method from manifest text; relative paths in it resolve against the current folder.</summary>
    public static ClusteringMethod FromJson(string json, string name = "manifest.json")
    {
        JsonNode.Parse(json);   // fail here, not at Fit, on text that is not JSON
        return new(() => ManifestDocument.Parse(json, name), [], []);
    }

    /// <summary>The same method with one more override, e.g. "clusteringLoss.alpha=2" or "branch.dims=[500, 500, 2000, 10]".</summary>
    public ClusteringMethod With(string assignment) => new(_document, [.. _overrides, assignment], _plugins);

    /// <summary>The same method with blocks from the plugin assemblies in <paramref name="folder"/>.</summary>
    public ClusteringMethod WithPlugins(string folder) => new(_document, _overrides, [.. _plugins, folder]);

    /// <summary>Binds and checks the manifest (fields, blocks, options, composition) without training; throws on the first problem.</summary>
    public void Validate()
    {
        using var host = Host(out var document);
        using var pipeline = global::Taxonomy.Host.Composition.Pipeline.Compose(host.GetRequiredService<ManifestLoader>().Load(document));
    }

    /// <summary>
    /// Trains the method and clusters the training data: on <paramref name="data"/> when given, else on the manifest's
    /// data source. <paramref name="progress"/> hears every finished epoch; <paramref name="cancellationToken"/> stops
    /// the training between two batches (an <see cref="OperationCanceledException"/>, and no model). The training log
    /// goes to <paramref name="log"/> (none by default).
    /// </summary>
    public ClusteringModel Fit(Dataset? data = null, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default, TextWriter? log = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var host = Host(out var document);
        try
        {
            var method = host.GetRequiredService<ManifestLoader>().Load(document);
            var fitted = TaxonomyHost.Runner(host, log ?? TextWriter.Null)
                .Fit(method, observer: new TrainingObserver(progress, cancellationToken), given: data);
            return new ClusteringModel(fitted.Model, fitted.Result, host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private ServiceProvider Host(out ManifestDocument document)
    {
        document = _document();
        document.Apply(_overrides.Select(FieldAssignment.Parse));
        return TaxonomyHost.Create(
            new[] { new PluginFolder(PluginHost.DefaultFolder, "plugins next to the program", Optional: true) }
                .Concat(_plugins.Select(folder => new PluginFolder(folder, "WithPlugins")))
                .Concat(document.PluginFolders()));
    }
}
