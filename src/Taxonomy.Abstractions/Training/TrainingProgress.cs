namespace Taxonomy.Abstractions.Training;

/// <summary>Where training is: phase, epoch and iteration (all 0-based).</summary>
public sealed record TrainingProgress
{
    public required Phase Phase { get; init; }
    public required int PhaseIndex { get; init; }
    public required int Epoch { get; init; }
    public required int BatchesPerEpoch { get; init; }

    /// <summary>Optimiser steps taken in this phase so far.</summary>
    public required long Iteration { get; init; }

    /// <summary>Optimiser steps taken since training began.</summary>
    public required long GlobalIteration { get; init; }

    /// <summary>Progress through the phase, from 0 at its start to 1 at its planned end.</summary>
    public double Fraction =>
        Phase.Epochs == 0 ? 1.0 : Math.Min(1.0, (double)Iteration / ((long)Phase.Epochs * BatchesPerEpoch));
}
