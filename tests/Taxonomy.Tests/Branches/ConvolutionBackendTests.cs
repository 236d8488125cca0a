using System.Diagnostics;
using Taxonomy.Blocks.Branches;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Branches;

public class ConvolutionBackendTests
{
    [Test]
    public void The_chosen_path_agrees_with_float64()
    {
        var path = ConvolutionBackend.Path;
        Assert.That(path == ConvolutionPath.Unfold || ConvolutionBackend.ConvolutionIsRight(), Is.True,
            $"libtorch's conv2d was chosen ({path}) but no longer matches float64");
    }

    [Test]
    public void The_check_runs_inside_a_no_grad_evaluation()
    {
        // The first convolution of a run is often k-means initialisation's pass over the data, without gradients.
        var path = ConvolutionBackend.Path;   // chosen first: a check before the choice sees oneDNN uncapped
        using var noGrad = no_grad();
        Assert.That(ConvolutionBackend.ConvolutionIsRight(), Is.EqualTo(path != ConvolutionPath.Unfold));
    }

    [Test]
    public void A_users_cap_is_kept_and_the_probe_not_asked()
    {
        var asked = false;
        Assert.That(ConvolutionBackend.CapFor("AVX2", () => asked = true), Is.Null);
        Assert.That(asked, Is.False);
    }

    [Test]
    public void Without_a_users_cap_the_fast_kernels_are_used_only_when_the_probe_found_them_right()
    {
        Assert.That(ConvolutionBackend.CapFor(null, () => true), Is.Null, "uncapped");
        Assert.That(ConvolutionBackend.CapFor(null, () => false), Is.EqualTo("SSE41"));
        Assert.That(ConvolutionBackend.CapFor(null, null), Is.EqualTo("SSE41"), "no probe (tests, libraries)");
        Assert.That(ConvolutionBackend.CapFor(null, () => throw new InvalidOperationException("no child")), Is.EqualTo("SSE41"));
    }

    [TestCase(null)]
    [TestCase("SSE41")]
    public void The_probe_command_reports_its_kernels_in_a_fresh_process(string? cap)
    {
        // The executable's own probe, as the CLI runs it before its first convolution. SSE4.1 kernels have been right
        // on every machine we ran on; the uncapped ones differ between machines, so only the report's form is fixed.
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "taxonomy"), "probe-convolution")
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

    [TestCase(1, 2)]
    [TestCase(2, 1)]
    [TestCase(1, 0)]
    public void The_layer_computes_what_im2col_computes(int stride, int padding)
    {
        manual_seed(3);
        using var conv = new VerifiedConv2d(3, 5, 3, stride, padding, bias: true);
        using var scope = NewDisposeScope();
        var x = randn(4, 3, 9, 9);
        var fast = conv.call(x);
        var reference = conv.Unfolded(x);
        Assert.That(fast.shape, Is.EqualTo(reference.shape));
        Assert.That((fast - reference).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void Feature_maps_leave_libtorchs_convolution_channels_last()
    {
        // NHWC strides let oneDNN skip reordering every layer's input and output (ConvolutionBackend.Conv2d).
        if (ConvolutionBackend.Path == ConvolutionPath.Unfold)
        {
            Assert.Ignore("libtorch's conv2d failed the float64 check on this machine; the layers use unfold");
        }
        manual_seed(3);
        using var first = new VerifiedConv2d(3, 5, 3, 1, 1, bias: true);
        using var second = new VerifiedConv2d(5, 2, 3, 2, 1, bias: false);
        using var scope = NewDisposeScope();
        var maps = first.call(randn(4, 3, 9, 9));
        Assert.That(maps.stride(), Is.EqualTo(new long[] { 9 * 9 * 5, 1, 9 * 5, 5 }), "[4, 5, 9, 9] with NHWC strides");
        Assert.That(second.call(maps).stride(), Is.EqualTo(new long[] { 5 * 5 * 2, 1, 5 * 2, 2 }));
    }
}
