namespace Taxonomy.Host.Training;

/// <summary>What a caller of the training loop hears and how it stops it: a progress sink and a cancellation token.</summary>
public sealed record TrainingObserver(IProgress<EpochReport>? Progress, CancellationToken Cancellation);

/// <summary>One finished epoch: the phase, the epoch (1-based) of how many, the mean losses and the seconds it took.</summary>
public sealed record EpochReport(string Phase, int Epoch, int Epochs, double NonClusteringLoss, double ClusteringLoss, double Seconds);
