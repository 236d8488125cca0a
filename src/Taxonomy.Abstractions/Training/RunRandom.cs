using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// All randomness of a run comes from here, so that a manifest's seed reproduces its result:
/// a TorchSharp generator for shuffles and sampling, and a managed generator for host-side choices.
/// </summary>
public sealed class RunRandom : IDisposable
{
    public RunRandom(int seed)
    {
        Seed = seed;
        torch.manual_seed(seed);
        Torch = new torch.Generator((ulong)seed);
        Managed = new Random(seed);
    }

    public int Seed { get; }

    public torch.Generator Torch { get; }

    public Random Managed { get; }

    public void Dispose() => Torch.Dispose();
}
