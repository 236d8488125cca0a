using System.Diagnostics;
using System.Reflection;

namespace Taxonomy.Host.Platform;

/// <summary>
/// Asks a child process whether oneDNN's uncapped kernels are right on this CPU: the taxonomy executable runs its own
/// hidden <c>probe-convolution</c> command (Cli/ConvolutionProbeCommand) without ONEDNN_MAX_CPU_ISA, since only a fresh
/// process can use kernels other than this one's.
/// </summary>
internal static class ConvolutionProbe
{
    public const string Command = "probe-convolution";
    public const string Right = "convolutions: right";
    public const string Wrong = "convolutions: wrong";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Only the taxonomy executable can run itself as the probe; in-process users of the CLI (the tests, a library
    /// user) have no such command, and keep the SSE4.1 cap.
    /// </summary>
    public static bool Available => Assembly.GetEntryAssembly() == typeof(ConvolutionProbe).Assembly;

    /// <summary>Runs <c>probe-convolution</c> of this executable in a child process without an ISA cap: are the fast kernels right?</summary>
    public static bool FastKernelsAreRight()
    {
        var executable = Environment.ProcessPath ?? throw new InvalidOperationException("no executable path to probe with");
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")   // `dotnet taxonomy.dll …`
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        start.ArgumentList.Add(Command);
        start.Environment.Remove("ONEDNN_MAX_CPU_ISA");
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var output = child.StandardOutput.ReadToEndAsync();
        _ = child.StandardError.ReadToEndAsync();   // drained, so that a chatty child never blocks on a full pipe
        if (!child.WaitForExit(Patience))
        {
            child.Kill(entireProcessTree: true);
            return false;
        }
        return child.ExitCode == 0 && output.Result.Contains(Right);
    }
}
