using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// All randomness of a run comes from here, so that a manifest's seed reproduces its result:
/// a TorchSharp generator for shuffles and sampling, and a managed generator for host-side choices.
/// Each phase starts from its own seed, so a phase gives the same result whether the phases before it
/// were trained or loaded from the pre-training cache.
/// </summary>
public sealed class RunRandom : IDisposable
{
    public RunRandom(int seed)
    {
        Seed = seed;
        Torch = new torch.Generator((ulong)seed);
        Managed = new Random(seed);
        StartPhase(0);
    }

    public int Seed { get; }

    public torch.Generator Torch { get; }

    public Random Managed { get; private set; }

    /// <summary>Reseeds every generator (TorchSharp's global one too: dropout and initialisers use it) for a phase.</summary>
    public void StartPhase(int phaseIndex)
    {
        var seed = Seed + 1_000_003L * phaseIndex;
        torch.manual_seed(seed);
        Torch.manual_seed(seed);
        Managed = new Random((int)(seed % int.MaxValue));
    }

    public void Dispose() => Torch.Dispose();
}
