using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using Taxonomy.Blocks.Branches;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy probe-convolution` (hidden): checks the convolution kernels of this process against float64 and exits 0
/// when they are right, 1 when not. The executable runs it as a child with no ONEDNN_MAX_CPU_ISA before its first
/// convolution, to learn whether oneDNN's fastest kernels can be used on this CPU (see <see cref="ConvolutionBackend"/>).
/// </summary>
internal static class ConvolutionProbeCommand
{
    private const string Name = "probe-convolution";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var command = new Command(Name, "Check this CPU's convolution kernels against float64 (exit 0: right, 1: wrong).") { Hidden = true };
        command.SetAction(_ =>
        {
            var right = ConvolutionBackend.ConvolutionIsRight();
            Console.WriteLine(right ? "convolutions: right" : "convolutions: wrong");
            return right ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs <c>probe-convolution</c> of this executable in a child process without an ISA cap: are the fast kernels right?</summary>
    public static bool FastKernelsAreRight()
    {
        var executable = Environment.ProcessPath ?? throw new InvalidOperationException("no executable path to probe with");
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")   // `dotnet Taxonomy.Host.dll …`
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        start.ArgumentList.Add(Name);
        start.Environment.Remove("ONEDNN_MAX_CPU_ISA");
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var output = child.StandardOutput.ReadToEndAsync();
        _ = child.StandardError.ReadToEndAsync();   // drained, so that a chatty child never blocks on a full pipe
        if (!child.WaitForExit(Patience))
        {
            child.Kill(entireProcessTree: true);
            return false;
        }
        return child.ExitCode == 0 && output.Result.Contains("convolutions: right");
    }
}
