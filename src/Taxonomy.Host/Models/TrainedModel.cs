using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Models;

/// <summary>
/// A trained method: its blocks with the trained branch, the fitted preprocessors and the cluster state, ready to
/// assign new data (<see cref="Predict"/>) and to embed it (<see cref="Embed"/>) without the training data. Made by
/// a run (<see cref="Running.MethodRunner.Fit"/>) or read from a model folder (<see cref="ModelBundle.Load"/>).
/// </summary>
public sealed class TrainedModel : IDisposable
{
    private readonly IDisposable? _host;
    private readonly IReadOnlyList<PluginFolder> _plugins;

    /// <param name="plugins">The plugin folders the method's blocks came from, to bind its manifest again (data options).</param>
    internal TrainedModel(MethodDefinition method, Pipeline pipeline, ClusterState state, ModelFacts facts,
        IReadOnlyList<PluginFolder> plugins, IDisposable? host = null)
    {
        _plugins = plugins;
        Method = method;
        Pipeline = pipeline;
        State = state;
        Facts = facts;
        _host = host;
    }

    public MethodDefinition Method { get; }

    internal Pipeline Pipeline { get; }

    internal ClusterState State { get; }

    /// <summary>What the model records about its training: k, the shapes, the versions, the effective manifest.</summary>
    public ModelFacts Facts { get; }

    /// <summary>The number of clusters it assigns to: the estimate of a method that estimates k, else the k it was trained for.</summary>
    public int Clusters => Facts.EstimatedClusters ?? State.Clusters;

    /// <summary>
    /// The clustering of <paramref name="raw"/> (data as a source delivers it, before preprocessing): the fitted
    /// preprocessors, the trained branch, then the post-clustering's inductive rule. Each sample is assigned on its own.
    /// </summary>
    public ClusteringResult Predict(Dataset raw, TextWriter? log = null)
    {
        using var data = Prepare(raw);
        using var random = new RunRandom(Method.Settings.Seed);
        random.StartPhase(Pipeline.Schedule.Phases.Count);   // as the run's post-clustering
        var run = Context(data, random, log);
        var result = Pipeline.PostClustering.Predict(run);
        return result.Samples == data.Count ? result : throw new TrainingException(
            $"{Pipeline.Describe(Pipeline.PostClustering)} predicted {result.Samples} assignments for {data.Count} samples.");
    }

    /// <summary>
    /// The clustering features of every sample of <paramref name="raw"/>, [n, d] float32, or one named branch output
    /// (flattened per sample) when <paramref name="layer"/> is given. The tensor is the caller's.
    /// </summary>
    public torch.Tensor Embed(Dataset raw, string? layer = null)
    {
        if (layer is not null && !Pipeline.Branch.Outputs.Contains(layer))
        {
            throw new ManifestException(
                $"--layer: {Pipeline.Describe(Pipeline.Branch)} has no output '{layer}' (it produces: {string.Join(", ", Pipeline.Branch.Outputs.Order())}).");
        }
        using var data = Prepare(raw);
        using var random = new RunRandom(Method.Settings.Seed);
        var run = Context(data, random, null);
        return layer is null ? run.FeaturesOfAll() : run.LayerOfAll(layer);
    }

    /// <summary>
    /// The data options to read new data with: the training manifest's data section (the training data again), or,
    /// when <paramref name="source"/> is given, that source with default options; then <paramref name="sets"/>
    /// (data.* fields only), checked as strictly as a manifest's.
    /// </summary>
    internal (DataOptions Options, string? BaseDirectory) DataOptions(string? source, IReadOnlyList<FieldAssignment> sets)
    {
        if (sets.FirstOrDefault(a => !a.Text.StartsWith("data.", StringComparison.OrdinalIgnoreCase)) is { } other)
        {
            throw new ManifestException($"--set '{other.Text}': here only the data.* fields can be set.");
        }
        var json = ModelBundle.Portable(Facts.EffectiveManifest, Method);
        var assignments = new List<FieldAssignment>();
        if (source is not null)
        {
            json["data"] = new JsonObject();   // the training's data options (limit, generator sizes, labels) describe its data, not these
            assignments.Add(FieldAssignment.Of("data.source", JsonValue.Create(source), $"--data '{source}'"));
        }
        assignments.AddRange(sets);
        var document = ManifestDocument.Parse(json.ToJsonString(), Method.File);
        document.Apply(assignments);
        using var host = Running.TaxonomyHost.Create(_plugins.Concat(document.PluginFolders().Select(f => f with { Optional = true })));
        var method = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<ManifestLoader>(host).Load(document);
        return (method.Settings.Data, source is null ? Method.Directory : null);
    }

    /// <summary>Reads the data these options name (see <see cref="DataOptions"/>), seeded as the training was.</summary>
    public Dataset ReadData(DataOptions options, string? baseDirectory, TextWriter? log = null) =>
        Running.StageException.During($"reading the data '{options.Source}'",
            () => DataCatalog.Load(options, Method.Settings.Seed, baseDirectory, log));

    private RunContext Context(Dataset data, RunRandom random, TextWriter? log)
    {
        Pipeline.Branch.Module.eval();
        return new RunContext(data, Pipeline.Branch, Pipeline.FeatureSelector, random, Method.Settings.Kmeans.Create(), State,
            log ?? TextWriter.Null);
    }

    /// <summary>New data through the fitted preprocessors, after checking it has the shape the model was trained on.</summary>
    private Dataset Prepare(Dataset raw)
    {
        if (!raw.SampleShape.SequenceEqual(Facts.InputShape))
        {
            throw new DataException(
                $"{raw.Source}: samples of shape [{string.Join(", ", raw.SampleShape)}], but the model was trained on samples of shape " +
                $"[{string.Join(", ", Facts.InputShape)}].");
        }
        return Pipeline.Preprocess(raw, fit: false);
    }

    public void Dispose()
    {
        State.Dispose();
        Pipeline.Dispose();
        _host?.Dispose();
    }
}

/// <summary>What a model records about how it was trained.</summary>
/// <param name="InputShape">One sample as the data source delivered it (before preprocessing).</param>
/// <param name="SampleShape">One sample as the branch sees it (after preprocessing).</param>
/// <param name="Versions">taxonomy, TorchSharp, .NET and the OS at training time.</param>
public sealed record ModelFacts(long[] InputShape, long[] SampleShape, JsonObject EffectiveManifest,
    IReadOnlyDictionary<string, string> Versions, string ResultKind)
{
    /// <summary>The k a method that estimates k found (its assignments' number of clusters), or null.</summary>
    public int? EstimatedClusters { get; init; }
}
