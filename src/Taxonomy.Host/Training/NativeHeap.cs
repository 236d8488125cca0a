using System.Runtime.InteropServices;

namespace Taxonomy.Host.Training;

/// <summary>
/// Hands the C heap's free pages back to the system. libtorch frees its tensors' memory at once, but glibc keeps the
/// freed blocks of 128 KB to a few MB (activations, gradients) in its heap, and the process's resident memory grew
/// by about 130 MB per epoch of a 10,000 × 100 autoencoder until it settled at 3.7 GB. Trimming once per epoch keeps
/// it flat at the cost of one call (docs/results.md, "Memory").
/// </summary>
internal static class NativeHeap
{
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    public static void Trim()
    {
        if (s_unavailable)
        {
            return;
        }
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;  // not glibc (musl has no malloc_trim): nothing to trim
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
