using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Training;

/// <summary>
/// The checks on weights and cache files that need no data: run before the data is loaded, so a damaged
/// <c>branch.weights</c> or an unusable cache folder fails in a second, not after the data is read or a phase trained.
/// </summary>
public static class Preflight
{
    public static void Check(MethodDefinition method, Pipeline pipeline, int? epochLimit, PretrainingCache cache)
    {
        var branch = method[BlockRole.Branch];
        if (branch.Options is BranchOptions { Weights: { } weights })
        {
            if (string.IsNullOrWhiteSpace(weights))
            {
                throw new ManifestException($"{method.File}: {branch.Path}.weights is empty: give a weights file a run saved (its branch.pt), or leave it out.");
            }
            try
            {
                BranchWeights.Verify(BranchWeights.Resolve(weights, method.Directory));
            }
            catch (Exception e) when (e is DamagedWeightsException or FileNotFoundException)
            {
                throw new ManifestException($"{method.File}: {branch.Describe()}: {e.Message}", e);
            }
        }
        if (method.Settings.PretrainingCache && PretrainingCache.CacheablePhase(pipeline.Schedule.Phases, epochLimit) is not null)
        {
            cache.CheckWritable();
        }
    }
}
