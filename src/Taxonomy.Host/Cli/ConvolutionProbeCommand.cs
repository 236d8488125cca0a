using System.CommandLine;
using Taxonomy.Host.Platform;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy probe-convolution` (hidden): checks the convolution kernels of this process against float64 and exits 0
/// when they are right, 1 when not. The executable runs it as a child with no ONEDNN_MAX_CPU_ISA before its first
/// convolution, to learn whether oneDNN's fastest kernels can be used on this CPU (see <see cref="ConvolutionProbe"/>).
/// </summary>
internal static class ConvolutionProbeCommand
{
    public static Command Create()
    {
        var command = new Command(ConvolutionProbe.Command, "Check this CPU's convolution kernels against float64 (exit 0: right, 1: wrong).") { Hidden = true };
        command.SetAction(_ =>
        {
            var right = ConvolutionCheck.IsRight();
            Console.WriteLine(right ? ConvolutionProbe.Right : ConvolutionProbe.Wrong);
            return right ? 0 : 1;
        });
        return command;
    }
}
