namespace Taxonomy.Host.Platform;

/// <summary>
/// What the host does for the machine and C library it runs on, at named moments of a process and of a run. Blocks
/// never see it: it tunes the process around them (see <see cref="HostPlatform"/> for the parts).
/// </summary>
public interface IPlatform
{
    /// <summary>Once per process, before any tensor exists.</summary>
    void BeforeFirstTensor() { }

    /// <summary>After every training epoch, once the epoch's tensors are freed.</summary>
    void AfterEpoch() { }

    /// <summary>Lines for the run's log that say how this process computes; none when there is nothing to say yet.</summary>
    IEnumerable<string> Describe() => [];
}
