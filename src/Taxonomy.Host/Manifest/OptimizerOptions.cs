using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Taxonomy.Host.Manifest;

public enum OptimizerKind
{
    Adam,
    Sgd,
    Rmsprop,
}

/// <summary>Optimiser settings a phase may override (see <see cref="OptimizerOptions.Phases"/>).</summary>
public class OptimizerSettings
{
    [Description("adam, sgd or rmsprop.")]
    public OptimizerKind? Type { get; set; }

    // Above 10 no optimiser here converges: such a rate is a typo (1e6 for 1e-6), not a choice.
    [Description("Learning rate, > 0 and at most 10.")]
    [Range(0.0, 10.0, MinimumIsExclusive = true)]
    public double? LearningRate { get; set; }

    [Description("Adam's β1, the decay of its first-moment average (PyTorch's default 0.9; DCGAN: 0.5).")]
    [Range(0.0, 0.999)]
    public double? Beta1 { get; set; }

    [Description("RMSprop's ρ, the decay of its squared-gradient average (PyTorch's default 0.99; Keras's 0.9, as in DAC's code).")]
    [Range(0.0, 0.9999)]
    public double? Rho { get; set; }

    [Description("SGD momentum.")]
    [Range(0.0, 1.0)]
    public double? Momentum { get; set; }

    [Description("SGD with Nesterov momentum.")]
    public bool? Nesterov { get; set; }

    [Description("L2 weight decay.")]
    [Range(0.0, 1.0)]
    public double? WeightDecay { get; set; }

    [Description("Learning-rate decay: the rate is multiplied by this factor every decayEvery epochs of a phase (VaDE: 0.9 every 10).")]
    [Range(0.0, 1.0)]
    public double? Decay { get; set; }

    [Description("Epochs between two learning-rate decays; 0 = a constant rate.")]
    [Range(0, 1_000_000)]
    public int? DecayEvery { get; set; }

    [Description("Mini-batch size.")]
    [Range(1, 1_000_000)]
    public int? BatchSize { get; set; }
}

/// <summary>
/// The optimiser for every phase, with per-phase overrides keyed by the schedule's phase names, e.g.
/// "phases": { "clustering": { "learningRate": 0.0001 } } as in ClustPy's defaults.
/// </summary>
public sealed class OptimizerOptions : OptimizerSettings
{
    [Description("Overrides by phase name (\"pretrain\", \"clustering\").")]
    public Dictionary<string, OptimizerSettings> Phases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings of one phase: its overrides over the defaults over built-in defaults.</summary>
    public EffectiveOptimizer For(string phase)
    {
        var o = Phases.GetValueOrDefault(phase) ?? new OptimizerSettings();
        return new EffectiveOptimizer(
            o.Type ?? Type ?? OptimizerKind.Adam,
            o.LearningRate ?? LearningRate ?? 0.001,
            o.Momentum ?? Momentum ?? 0.9,
            o.Nesterov ?? Nesterov ?? false,
            o.WeightDecay ?? WeightDecay ?? 0.0,
            o.BatchSize ?? BatchSize ?? 256)
        {
            Decay = o.Decay ?? Decay ?? 1.0,
            DecayEvery = o.DecayEvery ?? DecayEvery ?? 0,
            Beta1 = o.Beta1 ?? Beta1 ?? 0.9,
            Rho = o.Rho ?? Rho ?? 0.99,
        };
    }
}

public sealed record EffectiveOptimizer(
    OptimizerKind Type, double LearningRate, double Momentum, bool Nesterov, double WeightDecay, int BatchSize)
{
    public double Decay { get; init; } = 1.0;

    public int DecayEvery { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Rho { get; init; } = 0.99;

    /// <summary>True when the learning rate changes during a phase.</summary>
    public bool Decays => DecayEvery > 0 && Decay != 1.0;

    // Also the pre-training cache's key: a constant rate writes nothing new, so older keys hold.
    public override string ToString() => Type switch
    {
        OptimizerKind.Adam => $"adam lr {LearningRate:g4}{(Beta1 != 0.9 ? $" beta1 {Beta1:g4}" : "")} batch {BatchSize}",
        OptimizerKind.Rmsprop => $"rmsprop lr {LearningRate:g4} rho {Rho:g4} batch {BatchSize}",
        _ => $"sgd lr {LearningRate:g4} momentum {Momentum}{(Nesterov ? " nesterov" : "")} batch {BatchSize}",
    } + (Decays ? $" decay {Decay:g4} every {DecayEvery} epochs" : "");
}
