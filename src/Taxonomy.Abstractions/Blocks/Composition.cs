using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// The eight blocks of one method, seen before training, so each block can check it fits the others.
/// Messages name the manifest field of the block that complains.
/// </summary>
public sealed class Composition
{
    private readonly List<string> _errors = [];

    public required IReadOnlyList<IPreprocessor> Preprocessors { get; init; }
    public required IBranch Branch { get; init; }
    public required IFeatureSelector FeatureSelector { get; init; }
    public required INonClusteringLoss NonClusteringLoss { get; init; }
    public required IClusteringLoss ClusteringLoss { get; init; }
    public required ILossSchedule Schedule { get; init; }
    public required IClusterUpdater ClusterUpdater { get; init; }
    public required IPostClustering PostClustering { get; init; }

    /// <summary>Manifest field and type name of each block, e.g. "clusteringLoss ('cluster-hardening')".</summary>
    public required Func<IBlock, string> Describe { get; init; }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Records <paramref name="message"/>, prefixed with the block's manifest field, when the condition fails.</summary>
    public void Require(IBlock block, bool condition, string message)
    {
        if (!condition)
        {
            _errors.Add($"{Describe(block)}: {message}");
        }
    }

    /// <summary>
    /// Records that <paramref name="block"/>, which acts only in clustering phases, would never act: the schedule has
    /// no clustering phase. <paramref name="field"/> is its manifest field, for the advice.
    /// </summary>
    public void RequireClusteringPhase(IBlock block, string field) =>
        Require(block, Schedule.Phases.Any(p => p.Kind == PhaseKind.Clustering),
            $"acts only in a clustering phase, and {Describe(Schedule)} has none; set {field} to 'none' " +
            "or choose a schedule with a clustering phase (e.g. 'pretrain-then-joint')");
}
