using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// DAC's curriculum of pair thresholds (Chang et al. 2017, Sec. 3.3): u(λ) = 0.95 − λ and l(λ) = 0.455 + 0.1·λ, with λ
/// growing as training goes on, so that first only very similar and very dissimilar pairs are labelled, then more and
/// more. Here u starts at "upper" and falls by upperStep at the end of every epoch of the clustering phase, l starts at
/// "lower" and rises by lowerStep; the phase ends when u ≤ l (every pair would be labelled).
/// </summary>
[Block("dac-thresholds", Summary = "DAC's pair thresholds: upper falls and lower rises every epoch; the phase ends when they meet.")]
public sealed class DacThresholdsUpdater(DacThresholdsUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : BlockOptions
    {
        [Description("Upper threshold u at the start of the clustering phase: pairs more similar are labelled similar (DAC: 0.95).")]
        [Range(0.0, 1.0)]
        public double Upper { get; set; } = 0.95;

        [Description("Lower threshold l at the start: pairs less similar are labelled dissimilar (DAC: 0.455).")]
        [Range(0.0, 1.0)]
        public double Lower { get; set; } = 0.455;

        [Description("Decrease of u after each epoch (DAC's λ step).")]
        [Range(0.0, 1.0)]
        public double UpperStep { get; set; } = 0.01;

        [Description("Increase of l after each epoch (DAC: 0.1 × the λ step).")]
        [Range(0.0, 1.0)]
        public double LowerStep { get; set; } = 0.001;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Lower >= Upper)
            {
                yield return ("lower", $"must be below upper ({Upper}); got {Lower}");
            }
            if (UpperStep + LowerStep <= 0)
            {
                yield return ("upperStep", "upperStep and lowerStep are both 0, so the thresholds never meet and the phase never ends early; give one a positive step");
            }
        }
    }

    /// <summary>The current upper and lower similarity thresholds of the pairwise loss; training-only.</summary>
    public static StateKey<PairThresholds> Thresholds { get; } = new("pair-thresholds");

    public IReadOnlyCollection<StateKey> Provides => [Thresholds];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind == PhaseKind.Clustering)
        {
            run.State.Set(Thresholds, new PairThresholds(options.Upper, options.Lower));
        }
    }

    public UpdateOutcome OnEpochEnd(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering || run.State.Get(Thresholds) is not { } thresholds)
        {
            return UpdateOutcome.Continue;
        }
        var (upper, lower) = (thresholds.Upper - options.UpperStep, thresholds.Lower + options.LowerStep);
        run.State.Set(Thresholds, new PairThresholds(upper, lower));
        if (upper > lower)
        {
            return UpdateOutcome.Continue;
        }
        run.Log($"[{run.Progress.Phase.Name}] epoch {run.Progress.Epoch + 1}: pair thresholds met (upper {upper:F4} ≤ lower {lower:F4})");
        return UpdateOutcome.StopPhase;
    }
}

/// <summary>DAC's pair thresholds: pairs more similar than Upper are labelled similar, less similar than Lower dissimilar.</summary>
public sealed record PairThresholds(double Upper, double Lower);
