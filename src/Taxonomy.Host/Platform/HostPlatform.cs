using Taxonomy.Blocks.Branches;

namespace Taxonomy.Host.Platform;

/// <summary>
/// The platform layer: what this process does for the machine and libraries under it, kept out of the blocks.
/// Two parts: glibc's C heap (<see cref="GlibcHeap"/>: large blocks kept, free pages trimmed after every epoch) and
/// the convolution kernels (<see cref="OneDnnConvolutions"/>: oneDNN's ISA cap and a float64 check with fallbacks,
/// handed to the convolution branches as their <see cref="IConvolutionChoice"/>). Both act on the whole process,
/// so there is one platform per process, <see cref="Process"/>.
/// </summary>
public sealed class HostPlatform : IPlatform
{
    private readonly IReadOnlyList<IPlatform> _parts;

    private HostPlatform(bool executable)
    {
        var convolutions = new OneDnnConvolutions(executable ? ConvolutionProbe.FastKernelsAreRight : null);
        Convolutions = convolutions;
        _parts = [new GlibcHeap(keepLargeBlocks: executable), convolutions];
    }

    /// <summary>
    /// This process's platform. The taxonomy executable keeps large heap blocks and probes oneDNN's fast kernels in a
    /// child; in-process users of the CLI (the tests, a library user) get glibc's heap defaults and the SSE4.1 cap.
    /// </summary>
    public static HostPlatform Process { get; } = new(ConvolutionProbe.Available);

    /// <summary>How the convolution layers compute on this machine; chosen at the first convolution of the process.</summary>
    public IConvolutionChoice Convolutions { get; }

    public void BeforeFirstTensor()
    {
        foreach (var part in _parts)
        {
            part.BeforeFirstTensor();
        }
    }

    public void AfterEpoch()
    {
        foreach (var part in _parts)
        {
            part.AfterEpoch();
        }
    }

    public IEnumerable<string> Describe() => _parts.SelectMany(part => part.Describe()).ToList();
}
