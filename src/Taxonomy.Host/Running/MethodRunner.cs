using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Running;

/// <summary>
/// Runs one method end to end: data → preprocessing → blocks → training → post-clustering → metrics.
/// </summary>
/// <param name="cache">The pre-training cache (the host's), used when the manifest's "pretrainingCache" is on.</param>
/// <param name="platform">The host's platform layer (<see cref="HostPlatform.Process"/>): called after every epoch, described in the log.</param>
public sealed class MethodRunner(TextWriter log, PretrainingCache cache, IPlatform platform)
{
    /// <param name="saveBranchTo">Where to save the trained branch's weights (e.g. DIR/branch.pt), or null.</param>
    /// <param name="epochLimit">Caps every phase's epochs (benchmarks).</param>
    public RunResult Run(MethodDefinition method, string? saveBranchTo = null, int? epochLimit = null)
    {
        var total = Stopwatch.StartNew();
        var settings = method.Settings;
        var threads = settings.Threads ?? Environment.ProcessorCount;
        torch.set_num_threads(threads);

        using var pipeline = StageException.During("composing the blocks", () => Pipeline.Compose(method));
        using var random = new RunRandom(settings.Seed);
        Preflight.Check(method, pipeline, epochLimit, cache);
        using var raw = StageException.During($"reading the data '{settings.Data.Source}'",
            () => DataCatalog.Load(settings.Data, settings.Seed, method.Directory, log, method.File));
        var clusters = ClusterCount(settings.Clusters, raw, method.File);
        using var data = StageException.During("preprocessing", () => Preprocess(raw, pipeline, method));
        log.WriteLine($"{method.Name}: {data.Name} ({data.Source}), n={data.Count}, sample shape " +
                      $"[{string.Join(", ", data.SampleShape)}], k={clusters}, seed {settings.Seed}, {threads} threads");
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

        using var run = new RunContext(data, pipeline.Branch, pipeline.FeatureSelector, random,
            settings.Kmeans.Create(), clusters, log);
        var phases = StageException.During(() => Training(run),
            () => new Trainer(pipeline, run, settings, platform, settings.PretrainingCache ? cache : null, epochLimit).Train());
        foreach (var line in platform.Describe())
        {
            log.WriteLine(line);
        }
        if (saveBranchTo is not null)
        {
            StageException.During($"saving the branch's weights to '{saveBranchTo}'",
                () => BranchWeights.Save(pipeline.Branch.Module, saveBranchTo));
        }

        var post = Stopwatch.StartNew();
        random.StartPhase(pipeline.Schedule.Phases.Count);  // post-clustering's randomness must not depend on what training drew
        var assignments = StageException.During($"post-clustering ({pipeline.Describe(pipeline.PostClustering)})",
            () => pipeline.PostClustering.Assign(run));
        post.Stop();
        if (assignments.Length != data.Count)
        {
            throw new TrainingException(
                $"{pipeline.Describe(pipeline.PostClustering)} returned {assignments.Length} assignments for {data.Count} samples.");
        }
        var sizes = ClusterSizes(assignments, clusters, pipeline.Describe(pipeline.PostClustering));
        if (sizes.Count(size => size > 0) is var found && found < clusters)
        {
            log.WriteLine($"warning: the clustering is degenerate: {pipeline.Describe(pipeline.PostClustering)} put the samples " +
                          $"into {found} of the k={clusters} clusters (sizes {string.Join(", ", sizes)})");
        }
        return new RunResult
        {
            Method = method.Name,
            Manifest = method.File,
            EffectiveManifest = Effective(method),
            Dataset = data.Name,
            DataSource = data.Source,
            Samples = data.Count,
            SampleShape = data.SampleShape,
            Clusters = clusters,
            Seed = settings.Seed,
            Threads = threads,
            Metrics = data.Labels is { } labels ? MetricSet.Compute(labels, assignments) : null,
            Phases = phases,
            PostClusteringSeconds = post.Elapsed.TotalSeconds,
            TotalSeconds = total.Elapsed.TotalSeconds,
            Versions = Versions(),
            Assignments = assignments,
            ClusterSizes = sizes,
            Labels = data.Labels,
        };
    }

    /// <summary>Samples per cluster id; an id outside [0, k) is a fault of the post-clustering block.</summary>
    private static int[] ClusterSizes(int[] assignments, int clusters, string block)
    {
        var sizes = new int[clusters];
        for (var i = 0; i < assignments.Length; i++)
        {
            if ((uint)assignments[i] >= (uint)clusters)
            {
                throw new TrainingException($"{block} assigned sample {i + 1} to cluster {assignments[i]}, outside 0 to {clusters - 1}.");
            }
            sizes[assignments[i]]++;
        }
        return sizes;
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
    /// The manifest's cluster count, else the number of distinct labels; checked before any training, since k-means
    /// would otherwise fail only after the pre-training.
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

    private static Dataset Preprocess(Dataset raw, Pipeline pipeline, MethodDefinition method)
    {
        var features = raw.Features.alias();
        foreach (var preprocessor in pipeline.Preprocessors)
        {
            torch.Tensor next;
            try
            {
                next = preprocessor.Apply(features);
            }
            catch (ArgumentException e)
            {
                features.Dispose();
                throw new ManifestException($"{method.File}: {pipeline.Describe(preprocessor)}: {e.Message}", e);
            }
            features.Dispose();
            features = next;
        }
        using (var scope = torch.NewDisposeScope())
        {
            var bad = torch.isfinite(features).logical_not().reshape(features.shape[0], -1).any(1);
            if (bad.any().item<bool>())
            {
                var row = bad.nonzero()[0, 0].item<long>();
                var stage = pipeline.Preprocessors.Count == 0 ? "" : " after preprocessing";
                throw new DataException(
                    $"{raw.Source}: sample {row + 1} has NaN or infinite values{stage}; clean the data or change the preprocessor.");
            }
        }
        var contiguous = features.contiguous();
        if (!ReferenceEquals(contiguous, features))
        {
            features.Dispose();
        }
        return raw.WithFeatures(contiguous);
    }

    private static Dictionary<string, string> Versions() => new()
    {
        ["taxonomy"] = Version(typeof(MethodRunner).Assembly),
        ["torchsharp"] = Version(typeof(torch).Assembly),
        ["dotnet"] = Environment.Version.ToString(),
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
    };

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";
}
