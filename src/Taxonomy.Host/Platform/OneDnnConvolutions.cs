using System.Runtime.InteropServices;
using Taxonomy.Blocks.Branches;

namespace Taxonomy.Host.Platform;

/// <summary>
/// Chooses the convolution path once per process, by checking libtorch's float32 conv2d (output, input and weight
/// gradients) against float64 on a random batch (<see cref="ConvolutionCheck"/>). Why: on some AMD EPYC CPUs,
/// libtorch 2.10's oneDNN AVX2/AVX-512 float32 kernels return wrong outputs and input gradients (relative error ~0.2),
/// while its SSE4.1 kernels are right; on others the AVX-512 kernels are right and twice as fast as the SSE4.1 ones.
/// oneDNN reads ONEDNN_MAX_CPU_ISA once, at its first convolution, so a process cannot try the fast kernels and fall
/// back to the capped ones: given a <c>fastKernelsProbe</c> (the executable's <see cref="ConvolutionProbe"/>, which checks
/// the uncapped kernels in a child process) the fast kernels are used when it says they are right; otherwise, or without
/// a probe, the cap is SSE4.1. A user's own ONEDNN_MAX_CPU_ISA is kept. Whatever the kernels, the same check runs in
/// this process before the first layer, and oneDNN is switched off (then unfold is used) if it fails.
/// </summary>
internal sealed class OneDnnConvolutions(Func<bool>? fastKernelsProbe) : IPlatform, IConvolutionChoice
{
    private const string IsaVariable = "ONEDNN_MAX_CPU_ISA";
    private const string SafeCap = "SSE41";

    // Process-wide, whichever instance asks first: oneDNN's cap and libtorch's oneDNN switch belong to the process.
    private static readonly Lock s_gate = new();
    private static (ConvolutionPath Path, string Description)? s_chosen;

    /// <summary>The path, chosen at the first call of the process (the first convolution of a run).</summary>
    public ConvolutionPath Path
    {
        get
        {
            lock (s_gate)
            {
                s_chosen ??= Choose(fastKernelsProbe);
                return s_chosen.Value.Path;
            }
        }
    }

    public ConvolutionMethod Method => Path == ConvolutionPath.Unfold ? ConvolutionMethod.Unfold : ConvolutionMethod.LibTorch;

    /// <summary>How the convolutions compute, once the process has made its first convolution.</summary>
    public IEnumerable<string> Describe()
    {
        lock (s_gate)
        {
            return s_chosen is { } chosen ? [$"convolutions: {chosen.Description}"] : [];
        }
    }

    private static (ConvolutionPath, string) Choose(Func<bool>? probe)
    {
        var userCap = Environment.GetEnvironmentVariable(IsaVariable);
        var cap = CapFor(userCap, probe);
        if (cap is not null)
        {
            Native.setenv(IsaVariable, cap, overwrite: 0);   // .NET's SetEnvironmentVariable does not reach getenv
        }
        var kernels = (userCap, cap) switch
        {
            ({ } own, _) => $"capped at {own} by {IsaVariable}",
            (_, null) => "all of the CPU's kernels, which a child process found right",
            _ => $"capped at {cap}",
        };
        if (ConvolutionCheck.IsRight())
        {
            return (ConvolutionPath.OneDnn, $"oneDNN, {kernels}; checked against float64");
        }
        Native.SetOneDnnEnabled(false);
        return ConvolutionCheck.IsRight()
            ? (ConvolutionPath.NativeWithoutOneDnn, $"libtorch without oneDNN (oneDNN, {kernels}, failed the float64 check)")
            : (ConvolutionPath.Unfold, $"unfold + matmul (oneDNN, {kernels}, and libtorch without it failed the float64 check)");
    }

    /// <summary>
    /// The ISA cap to set before the first convolution: none when the user set one or the probe found the uncapped
    /// kernels right; SSE4.1 otherwise, also when the probe itself fails.
    /// </summary>
    internal static string? CapFor(string? userCap, Func<bool>? probe)
    {
        if (userCap is not null)
        {
            return null;
        }
        try
        {
            return probe?.Invoke() == true ? null : SafeCap;
        }
        catch (Exception)
        {
            return SafeCap;   // a probe that cannot run says nothing about the kernels: keep the safe ones
        }
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "setenv")]
        public static extern int setenv(string name, string value, int overwrite);

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
        private static extern IntPtr GlobalContext();

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);

        /// <summary>at::globalContext().setUserEnabledMkldnn(enabled): what torch.backends.mkldnn.enabled sets.</summary>
        public static void SetOneDnnEnabled(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);
    }
}
