using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Blocks.Data;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Composition;

/// <summary>
/// The eight blocks of one method, created from a <see cref="MethodDefinition"/> by their registry descriptors (each
/// from its options alone), and checked to fit together before any data is touched. The pipeline owns the blocks and
/// disposes those that are disposable.
/// </summary>
public sealed class Pipeline : IDisposable
{
    private readonly Dictionary<IBlock, BlockSpec> _specs = new(ReferenceEqualityComparer.Instance);

    private Pipeline(MethodDefinition method)
    {
        Method = method;
        Preprocessors = method.Preprocessors.Select(s => Create<IPreprocessor>(s)).ToList();
        Branch = Create<IBranch>(method[BlockRole.Branch]);
        FeatureSelector = Create<IFeatureSelector>(method[BlockRole.FeatureSelector]);
        NonClusteringLoss = Create<INonClusteringLoss>(method[BlockRole.NonClusteringLoss]);
        ClusteringLoss = Create<IClusteringLoss>(method[BlockRole.ClusteringLoss]);
        Schedule = Create<ILossSchedule>(method[BlockRole.Schedule]);
        ClusterUpdater = Create<IClusterUpdater>(method[BlockRole.ClusterUpdater]);
        PostClustering = Create<IPostClustering>(method[BlockRole.PostClustering]);
    }

    public MethodDefinition Method { get; }
    public IReadOnlyList<IPreprocessor> Preprocessors { get; }
    public IBranch Branch { get; }
    public IFeatureSelector FeatureSelector { get; }
    public INonClusteringLoss NonClusteringLoss { get; }
    public IClusteringLoss ClusteringLoss { get; }
    public ILossSchedule Schedule { get; }
    public IClusterUpdater ClusterUpdater { get; }
    public IPostClustering PostClustering { get; }

    /// <summary>Creates the blocks and runs every composition rule; throws one error (one line) listing all problems.</summary>
    public static Pipeline Compose(MethodDefinition method)
    {
        var pipeline = new Pipeline(method);
        var errors = pipeline.Check();
        if (errors.Count > 0)
        {
            pipeline.Dispose();
            throw new ManifestException(
                $"{method.File}: these blocks cannot work together{Listed(errors)}.");
        }
        return pipeline;
    }

    public string Describe(IBlock block) => _specs[block].Describe();

    /// <summary>
    /// The raw data through the preprocessors: fitted on it (<paramref name="fit"/>, training) or with what they fitted
    /// before (a model's new data); refuses NaN and infinite values after preprocessing.
    /// </summary>
    public Dataset Preprocess(Dataset raw, bool fit)
    {
        var features = raw.Features.alias();
        foreach (var preprocessor in Preprocessors)
        {
            torch.Tensor next;
            try
            {
                next = fit ? preprocessor.Apply(features) : preprocessor.Transform(features);
            }
            catch (ArgumentException e)
            {
                features.Dispose();
                throw new ManifestException($"{Method.File}: {Describe(preprocessor)}: {e.Message}", e);
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
                var stage = Preprocessors.Count == 0 ? "" : " after preprocessing";
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


    /// <summary>": problem", or " (2 problems): (1) ...; (2) ..." (problems may hold semicolons themselves).</summary>
    private static string Listed(IReadOnlyList<string> errors) => errors.Count == 1
        ? $": {errors[0]}"
        : $" ({errors.Count} problems): " + string.Join("; ", errors.Select((e, i) => $"({i + 1}) {e}"));

    private List<string> Check()
    {
        var composition = new Abstractions.Blocks.Composition
        {
            Preprocessors = Preprocessors,
            Branch = Branch,
            FeatureSelector = FeatureSelector,
            NonClusteringLoss = NonClusteringLoss,
            ClusteringLoss = ClusteringLoss,
            Schedule = Schedule,
            ClusterUpdater = ClusterUpdater,
            PostClustering = PostClustering,
            Describe = Describe,
        };
        CheckLayers(composition, FeatureSelector, FeatureSelector.RequiredLayers);
        if (NonClusteringLoss.Contributes)
        {
            CheckLayers(composition, NonClusteringLoss, NonClusteringLoss.RequiredLayers);
        }
        CheckLayers(composition, ClusteringLoss, ClusteringLoss.RequiredLayers);
        CheckLayers(composition, PostClustering, PostClustering.RequiredLayers);
        CheckState(composition, ClusteringLoss, ClusteringLoss.Requires);
        CheckState(composition, PostClustering, PostClustering.Requires);
        CheckKeyNames(composition);
        if (ClusteringLoss.Contributes)
        {
            // The trainer computes the clustering loss only in clustering phases: elsewhere it would be silently ignored.
            composition.RequireClusteringPhase(ClusteringLoss, "clusteringLoss");
        }
        CheckOptimizerPhases(composition);
        CheckClusterCount(composition);
        foreach (var block in _specs.Keys)
        {
            block.CheckComposition(composition);
        }
        return composition.Errors.Distinct().ToList();
    }

    /// <summary>Per-phase optimiser overrides must name a phase of the schedule; a misspelt one would never apply.</summary>
    private void CheckOptimizerPhases(Abstractions.Blocks.Composition composition)
    {
        var phases = Schedule.Phases.Select(p => p.OptimizerKey).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var name in Method.Settings.Optimizer.Phases.Keys)
        {
            composition.Require(Schedule, phases.Contains(name, StringComparer.OrdinalIgnoreCase),
                $"has no phase '{name}', which optimizer.phases.{name} sets (its phases: {string.Join(", ", phases)})");
        }
    }

    /// <summary>
    /// An updater that estimates k starts from its own count; a manifest's "clusters" beside it would be a second,
    /// conflicting start (or a k the estimate ignores), so it is refused.
    /// </summary>
    private void CheckClusterCount(Abstractions.Blocks.Composition composition)
    {
        if (ClusterUpdater.InitialClusters is { } start && Method.Settings.Clusters is { } given)
        {
            composition.Require(ClusterUpdater, false,
                $"estimates k, starting from its initialClusters ({start}), so clusters ({given}) would be ignored; " +
                "remove clusters from the manifest (and --clusters), or set clusterUpdater.initialClusters");
        }
    }

    /// <summary>Every state slot a block reads must be one the cluster updater writes.</summary>
    private void CheckState(Abstractions.Blocks.Composition composition, IBlock reader, IReadOnlyCollection<StateKey> requires)
    {
        var provided = ClusterUpdater.Provides;
        foreach (var key in requires.Where(key => !provided.Contains(key)))
        {
            var has = provided.Count == 0 ? "it provides none" : $"it provides: {string.Join(", ", provided.Select(k => k.Name))}";
            composition.Require(reader, false,
                $"needs '{key.Name}' in the cluster state, which {Describe(ClusterUpdater)} does not provide ({has})");
        }
    }

    /// <summary>A model file names its state slots: two different slots of one method must not share a name.</summary>
    private void CheckKeyNames(Abstractions.Blocks.Composition composition)
    {
        foreach (var clash in StateKeys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            composition.Require(ClusterUpdater, false,
                $"two different state slots are both named '{clash.Key}'; a block must declare a slot once and share its key");
        }
    }

    /// <summary>Every distinct state slot the blocks of this method declare (written or read).</summary>
    public IReadOnlyList<StateKey> StateKeys =>
        ClusterUpdater.Provides.Concat(PostClustering.Provides).Concat(PostClustering.Requires).Concat(ClusteringLoss.Requires)
            .Distinct().ToList();

    private void CheckLayers(Abstractions.Blocks.Composition composition, IBlock block, IEnumerable<string> layers)
    {
        foreach (var layer in layers)
        {
            composition.Require(block, Branch.Outputs.Contains(layer),
                $"needs the branch output '{layer}', which {Describe(Branch)} does not produce " +
                $"(it produces: {string.Join(", ", Branch.Outputs.Order())})");
        }
    }

    private T Create<T>(BlockSpec spec) where T : IBlock
    {
        IBlock block;
        try
        {
            block = spec.Descriptor.Create(spec.Options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ManifestException($"{Method.File}: {spec.Describe()}: {e.Message}", e);
        }
        _specs[block] = spec;
        return (T)block;
    }

    public void Dispose()
    {
        foreach (var block in _specs.Keys.OfType<IDisposable>())
        {
            block.Dispose();
        }
    }
}
