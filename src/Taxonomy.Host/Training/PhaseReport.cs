namespace Taxonomy.Host.Training;

/// <summary>What one phase did: epochs run, wall time, throughput, and why it ended.</summary>
public sealed record PhaseReport(
    string Name,
    int EpochsPlanned,
    int EpochsRun,
    long Iterations,
    double Seconds,
    double SamplesPerSecond,
    bool StoppedByUpdater,
    string? LoadedFrom = null)
{
    /// <summary>Largest resident memory seen at the end of an epoch of this phase.</summary>
    public long PeakWorkingSetBytes { get; init; }

    public double SecondsPerEpoch => EpochsRun == 0 ? 0 : Seconds / EpochsRun;
}
