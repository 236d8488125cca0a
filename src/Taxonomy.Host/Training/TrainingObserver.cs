namespace Taxonomy.Host.Training;

/// <summary>
/// What a caller of the training loop hears and how it stops it: a sink for finished epochs, a cancellation token, and
/// optionally a sink for every finished batch (the terminal's progress bar).
/// </summary>
public sealed record TrainingObserver(IProgress<EpochReport>? Progress, CancellationToken Cancellation, IProgress<BatchReport>? Batches = null);

/// <summary>One finished batch: the phase, its epoch (1-based) of how many, the batch (1-based) of how many, and its samples.</summary>
public sealed record BatchReport(string Phase, int Epoch, int Epochs, int Batch, int Batches, long Samples);

/// <summary>One finished epoch: the phase, the epoch (1-based) of how many, the mean losses and the seconds it took.</summary>
public sealed record EpochReport(string Phase, int Epoch, int Epochs, double NonClusteringLoss, double ClusteringLoss, double Seconds);
