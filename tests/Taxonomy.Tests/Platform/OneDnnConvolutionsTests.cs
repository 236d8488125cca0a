using System.Diagnostics;
using Taxonomy.Blocks.Branches;
using Taxonomy.Host.Platform;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Platform;

[TestFixture]
public sealed class OneDnnConvolutionsTests
{
    private static OneDnnConvolutions Convolutions => (OneDnnConvolutions)HostPlatform.Process.Convolutions;

    [Test]
    public void The_chosen_path_agrees_with_float64()
    {
        var path = Convolutions.Path;
        Assert.That(path == ConvolutionPath.Unfold || ConvolutionCheck.IsRight(), Is.True,
            $"libtorch's conv2d was chosen ({path}) but no longer matches float64");
    }

    [Test]
    public void The_check_runs_inside_a_no_grad_evaluation()
    {
        // The first convolution of a run is often k-means initialisation's pass over the data, without gradients.
        var path = Convolutions.Path;   // chosen first: a check before the choice sees oneDNN uncapped
        using var noGrad = no_grad();
        Assert.That(ConvolutionCheck.IsRight(), Is.EqualTo(path != ConvolutionPath.Unfold));
    }

    [Test]
    public void The_layers_unfold_exactly_when_libtorchs_convolution_failed()
    {
        var unfold = Convolutions.Path == ConvolutionPath.Unfold;
        Assert.That(Convolutions.Method, Is.EqualTo(unfold ? ConvolutionMethod.Unfold : ConvolutionMethod.LibTorch));
    }

    [Test]
    public void Once_chosen_the_path_is_described_for_the_log()
    {
        _ = Convolutions.Path;
        Assert.That(HostPlatform.Process.Describe().Single(), Does.StartWith("convolutions: ").And.Contain("float64"));
    }

    [Test]
    public void A_users_cap_is_kept_and_the_probe_not_asked()
    {
        var asked = false;
        Assert.That(OneDnnConvolutions.CapFor("AVX2", () => asked = true), Is.Null);
        Assert.That(asked, Is.False);
    }

    [Test]
    public void Without_a_users_cap_the_fast_kernels_are_used_only_when_the_probe_found_them_right()
    {
        Assert.That(OneDnnConvolutions.CapFor(null, () => true), Is.Null, "uncapped");
        Assert.That(OneDnnConvolutions.CapFor(null, () => false), Is.EqualTo("SSE41"));
        Assert.That(OneDnnConvolutions.CapFor(null, null), Is.EqualTo("SSE41"), "no probe (tests, libraries)");
        Assert.That(OneDnnConvolutions.CapFor(null, () => throw new InvalidOperationException("no child")), Is.EqualTo("SSE41"));
    }

    [Test]
    public void Only_the_taxonomy_executable_probes_in_a_child_process()
    {
        Assert.That(ConvolutionProbe.Available, Is.False, "the test host cannot run probe-convolution");
    }

    [TestCase(null)]
    [TestCase("SSE41")]
    public void The_probe_command_reports_its_kernels_in_a_fresh_process(string? cap)
    {
        // The executable's own probe, as the CLI runs it before its first convolution. The SSE4.1 kernels are the safe
        // ones; the uncapped ones differ between CPUs, so only the report's form is fixed for them.
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "taxonomy"), ConvolutionProbe.Command)
        {
            UseShellExecute = false, RedirectStandardOutput = true,
        };
        start.Environment.Remove("ONEDNN_MAX_CPU_ISA");
        if (cap is not null)
        {
            start.Environment["ONEDNN_MAX_CPU_ISA"] = cap;
        }
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        Assert.That(child.WaitForExit(TimeSpan.FromMinutes(2)), Is.True);

        Assert.That(output.Trim(), Is.EqualTo(child.ExitCode == 0 ? "convolutions: right" : "convolutions: wrong"));
        Assert.That(child.ExitCode, cap is null ? Is.AnyOf(0, 1) : Is.EqualTo(0));
    }
}
