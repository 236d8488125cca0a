using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Composition;
using Taxonomy.Abstractions.Results;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Models;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Running;

/// <summary>
/// Runs one method end to end: data → preprocessing → blocks → training → post-clustering → metrics.
/// </summary>
/// <param name="cache">The pre-training cache (the host's), used when the manifest's "pretrainingCache" is on.</param>
/// <param name="platform">The host's platform layer (<see cref="HostPlatform.Process"/>): called after every epoch, described in the log.</param>
public sealed class MethodRunner(TextWriter log, PretrainingCache cache, IPlatform platform, IReadOnlyList<PluginFolder> plugins)
{
    /// <param name="saveBranchTo">Where to save the trained branch's weights (e.g. DIR/branch.pt), or null.</param>
    /// <param name="epochLimit">Caps every phase's epochs (benchmarks).</param>
    public RunResult Run(MethodDefinition method, string? saveBranchTo = null, int? epochLimit = null)
    {
        using var fitted = Fit(method, epochLimit);
        if (saveBranchTo is not null)
        {
            StageException.During($"saving the branch's weights to '{saveBranchTo}'",
                () => BranchWeights.Save(fitted.Model.Pipeline.Branch.Module, saveBranchTo));
        }
        return fitted.Result;
    }

    /// <summary>
    /// Trains the method and clusters its training data: the run's report and the trained model, which the caller
    /// owns (save it with <see cref="ModelBundle.Save"/>). A cancelled <paramref name="observer"/> token stops the
    /// training between two batches with <see cref="OperationCanceledException"/>, and nothing is returned.
    /// </summary>
    /// <param name="given">Data to train on instead of the manifest's data source (the caller keeps and disposes it).</param>
    public FittedRun Fit(MethodDefinition method, int? epochLimit = null, TrainingObserver? observer = null, Dataset? given = null)
    {
        var total = Stopwatch.StartNew();
        var settings = method.Settings;
        var threads = settings.Threads ?? Environment.ProcessorCount;
        torch.set_num_threads(threads);

        var pipeline = StageException.During("composing the blocks", () => Pipeline.Compose(method));
        ClusterState? state = null;
        try
        {
            using var random = new RunRandom(settings.Seed);
            Preflight.Check(method, pipeline, epochLimit, cache);
            using var read = given is null
                ? StageException.During($"reading the data '{settings.Data.Source}'",
                    () => DataCatalog.Load(settings.Data, settings.Seed, method.Directory, log, method.File))
                : null;
            var raw = read ?? given!;
            var clusters = ClusterCount(settings.Clusters ?? pipeline.ClusterUpdater.InitialClusters, raw, method.File);
            using var data = StageException.During("preprocessing", () => pipeline.Preprocess(raw, fit: true));
            log.WriteLine($"{method.Name}: {data.Name} ({data.Source}), n={data.Count}, sample shape " +
                          $"[{string.Join(", ", data.SampleShape)}], k={clusters}{(settings.Clusters is null && pipeline.ClusterUpdater.InitialClusters is not null ? " (the start of the estimate)" : "")}, seed {settings.Seed}, {threads} threads");
            Build(method, pipeline, data, clusters, log);
            state = new ClusterState(clusters);
            var run = new RunContext(data, pipeline.Branch, pipeline.FeatureSelector, random, settings.Kmeans.Create(), state, log);
            var phases = StageException.During(() => Training(run),
                () => new Trainer(pipeline, run, settings, platform, UsesCache(settings, given) ? cache : null, epochLimit, observer).Train());
            foreach (var line in platform.Describe())
            {
                log.WriteLine(line);
            }

            observer?.Cancellation.ThrowIfCancellationRequested();
            var post = Stopwatch.StartNew();
            random.StartPhase(pipeline.Schedule.Phases.Count);  // post-clustering's randomness must not depend on what training drew
            var clustering = StageException.During($"post-clustering ({pipeline.Describe(pipeline.PostClustering)})",
                () => Clustered(pipeline, run));
            post.Stop();
            var (k, source) = Checked(clustering, pipeline, data.Count, clusters,
                counted: settings.Clusters is null && pipeline.ClusterUpdater.InitialClusters is null);
            if (source == "estimated")
            {
                log.WriteLine($"estimated k = {k} (started from k = {clusters})");
            }
            var sizes = clustering.Primary.Sizes();
            if (sizes.Count(size => size > 0) is var found && found < k)
            {
                log.WriteLine($"warning: the clustering is degenerate: {pipeline.Describe(pipeline.PostClustering)} put the samples " +
                              $"into {found} of the k={k} clusters (sizes {string.Join(", ", sizes)})");
            }
            var effective = Effective(method);
            var versions = ProductVersions.Current();
            var result = new RunResult
            {
                Method = method.Name,
                Manifest = method.File,
                EffectiveManifest = effective,
                Dataset = data.Name,
                DataSource = data.Source,
                Samples = data.Count,
                SampleShape = data.SampleShape,
                Clusters = k,
                ClustersInitial = clusters,
                ClustersSource = source,
                Seed = settings.Seed,
                Threads = threads,
                Clustering = clustering,
                Metrics = data.Labels is { } labels ? MetricSet.Compute(labels, clustering.Primary.Labels) : null,
                Phases = phases,
                PostClusteringSeconds = post.Elapsed.TotalSeconds,
                TotalSeconds = total.Elapsed.TotalSeconds,
                Versions = versions,
                ClusterSizes = sizes,
                LabelColumns = data.LabelColumns,
            };
            var facts = new ModelFacts(raw.SampleShape, data.SampleShape, effective, versions, ResultKinds.Of(clustering))
            {
                EstimatedClusters = source == "estimated" ? k : null,
            };
            var model = new TrainedModel(method, pipeline, state, facts, plugins);
            return new FittedRun(result, model);
        }
        catch
        {
            state?.Dispose();
            pipeline.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The cache keys a pre-training by the manifest's data source, so data given in memory (the library's Fit) is
    /// trained afresh: a key could not tell two arrays apart.
    /// </summary>
    private static bool UsesCache(RunSettings settings, Dataset? given) => settings.PretrainingCache && given is null;

    /// <summary>The post-clustering's result; a partition it could not even build (an id outside 0…k−1) is its fault, named.</summary>
    private static ClusteringResult Clustered(Pipeline pipeline, RunContext run)
    {
        try
        {
            return pipeline.PostClustering.Cluster(run);
        }
        catch (ArgumentException e) when (e.ParamName is "labels" or "probabilities" or "clusters")
        {
            throw new TrainingException($"{pipeline.Describe(pipeline.PostClustering)}: {e.Message.Split(" (Parameter")[0]}.");
        }
    }

    /// <summary>Builds the branch (from branch.weights when given) and the non-clustering loss for the data's sample shape.</summary>
    private static void Build(MethodDefinition method, Pipeline pipeline, Dataset data, int clusters, TextWriter log)
    {
        try
        {
            pipeline.Branch.Build(data.SampleShape, clusters);
            if (method[BlockRole.Branch].Options is BranchOptions { Weights: { } weights })
            {
                BranchWeights.Load(pipeline.Branch.Module, ResolvePath(weights, method.Directory));
                log.WriteLine($"branch: starting from {weights}");
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException)
        {
            throw new ManifestException($"{method.File}: {method[BlockRole.Branch].Describe()}: {e.Message}", e);
        }
        catch (Exception e) when (AllocationFailure.Is(e))
        {
            throw TooLarge(method, BlockRole.Branch, e);
        }
        catch (Exception e) when (!StageException.Explains(e))
        {
            throw new StageException("building the branch", e);
        }
        try
        {
            pipeline.NonClusteringLoss.Build(pipeline.Branch, data.SampleShape);
        }
        catch (ArgumentException e)
        {
            throw new ManifestException($"{method.File}: {method[BlockRole.NonClusteringLoss].Describe()}: {e.Message}", e);
        }
        catch (Exception e) when (AllocationFailure.Is(e))
        {
            throw TooLarge(method, BlockRole.NonClusteringLoss, e);
        }
        catch (Exception e) when (!StageException.Explains(e))
        {
            throw new StageException("building the non-clustering loss", e);
        }
    }

    /// <summary>
    /// The result must cover every sample, and have the k asked for unless the post-clustering estimates k. Returns k
    /// and where it came from: "given" (manifest or --clusters), "labels" (counted) or "estimated" (by the method).
    /// </summary>
    private static (int K, string Source) Checked(ClusteringResult clustering, Pipeline pipeline, int samples, int clusters, bool counted)
    {
        var block = pipeline.Describe(pipeline.PostClustering);
        if (clustering.Samples != samples)
        {
            throw new TrainingException($"{block} returned {clustering.Samples} assignments for {samples} samples.");
        }
        var k = clustering.Primary.Clusters;
        if (pipeline.PostClustering.EstimatesClusters)
        {
            return (k, "estimated");
        }
        if (k != clusters)
        {
            throw new TrainingException($"{block} returned {k} clusters where k={clusters} was asked.");
        }
        return (k, counted ? "labels" : "given");
    }

    /// <summary>The manifest as it ran: every block with all its options, defaults included.</summary>
    public static JsonObject Effective(MethodDefinition method)
    {
        var json = (JsonObject)OptionsJson.Serialize(method.Settings);
        json["preprocessor"] = new JsonArray(method.Preprocessors.Select(p => OptionsJson.Serialize(p.Options)).ToArray());
        foreach (var (role, spec) in method.Blocks)
        {
            json[Registry.BlockRoles.Field(role)] = OptionsJson.Serialize(spec.Options);
        }
        return json;
    }

    /// <summary>"training, phase 'pretrain', epoch 3": how far the training got, for a failure's message.</summary>
    private static string Training(RunContext run) =>
        run.Progress is { } progress ? $"training, phase '{progress.Phase.Name}', epoch {progress.Epoch + 1}" : "training";

    /// <summary>
    /// A block whose weights cannot be allocated, named by its size options (branch.dims, branch.channels …): a
    /// manifest error, since what the user must change is a size.
    /// </summary>
    private static ManifestException TooLarge(MethodDefinition method, BlockRole role, Exception failure)
    {
        var spec = method[role];
        var sizes = spec.Options.GetType().GetProperties()
            .Where(p => typeof(IEnumerable<int>).IsAssignableFrom(p.PropertyType) && p.GetValue(spec.Options) is not null)
            .Select(p => $"{spec.Path}.{OptionsBinder.CamelCase(p.Name)}").ToList();
        var field = sizes.Count == 0 ? spec.Path : string.Join(" / ", sizes);
        var requested = AllocationFailure.Requested(failure) is { } size ? $" ({size} requested at once)" : "";
        return new ManifestException(
            $"{method.File}: {field}: {spec.Describe()} does not fit in memory{requested}; make it smaller.", failure);
    }

    private static string ResolvePath(string path, string? manifestDirectory) =>
        Path.IsPathRooted(path) || manifestDirectory is null || File.Exists(path) ? path : Path.Combine(manifestDirectory, path);

    /// <summary>
    /// The manifest's cluster count (or the start of an updater that estimates k), else the number of distinct labels;
    /// checked before any training, since k-means would otherwise fail only after the pre-training.
    /// </summary>
    private static int ClusterCount(int? given, Dataset data, string file)
    {
        var clusters = given ?? (data.Labels?.Distinct().Count() is >= 2 and var labels ? labels : throw new ManifestException(
            $"{file}: clusters: not given, and the data set '{data.Name}' has " +
            (data.Labels is null ? "no labels to count" : "a single label") +
            "; set \"clusters\" in the manifest or pass --clusters K."));
        return clusters <= data.Count ? clusters : throw new ManifestException(
            $"{file}: clusters: k={clusters} is more than the {data.Count} samples of '{data.Name}'.");
    }
}
