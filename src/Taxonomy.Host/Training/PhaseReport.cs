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

    /// <summary>Every epoch trained, in order: its mean losses and, when measured, ACC and NMI (for training curves).</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; init; } = [];

    public double SecondsPerEpoch => EpochsRun == 0 ? 0 : Seconds / EpochsRun;
}

/// <summary>One epoch of a phase as result.json keeps it.</summary>
/// <param name="Epoch">1-based within the phase.</param>
/// <param name="Acc">ACC of the epoch's quick assignments (see <see cref="Evaluation"/>), when labels were known and log.metricsEvery asked for it.</param>
public sealed record EpochRecord(int Epoch, double NonClusteringLoss, double ClusteringLoss, double Seconds)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? Acc { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? Nmi { get; init; }
}
