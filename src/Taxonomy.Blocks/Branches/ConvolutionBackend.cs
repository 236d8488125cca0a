using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Branches;

/// <summary>How the convolution layers compute: the fastest way that gives right values on this machine.</summary>
public enum ConvolutionPath
{
    /// <summary>libtorch's conv2d through oneDNN (with the CPU's own kernels, or capped at SSE4.1 ones).</summary>
    OneDnn,

    /// <summary>libtorch's conv2d with oneDNN switched off (its own im2col + GEMM).</summary>
    NativeWithoutOneDnn,

    /// <summary>unfold + one matrix product per layer, built from ops that never reach oneDNN.</summary>
    Unfold,
}

/// <summary>
/// Chooses the convolution path once per process, by checking libtorch's float32 conv2d (output, input and weight
/// gradients) against float64 on a random batch. Why: on some AMD EPYC CPUs, libtorch 2.10's
/// oneDNN AVX2/AVX-512 float32 kernels return wrong outputs and input gradients (relative error ~0.2), while its SSE4.1
/// kernels are right; on others the AVX-512 kernels are right and twice as fast as the SSE4.1 ones. oneDNN reads
/// ONEDNN_MAX_CPU_ISA once, at its first convolution, so a process cannot try the fast kernels and fall back to the
/// capped ones: an executable may set <see cref="FastKernelsProbe"/>, which checks the uncapped kernels in a child
/// process; when it says they are right they are used, otherwise (or without a probe) the cap is SSE4.1. A user's own
/// ONEDNN_MAX_CPU_ISA is kept. Whatever the kernels, the same check runs in this process before the first layer, and
/// oneDNN is switched off (then unfold is used) if it fails.
/// </summary>
public static class ConvolutionBackend
{
    private const string IsaVariable = "ONEDNN_MAX_CPU_ISA";
    private const string SafeCap = "SSE41";
    private static readonly Lazy<(ConvolutionPath Path, string Description)> Chosen = new(Choose, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Whether oneDNN's uncapped kernels are right on this machine, asked once before the first convolution when the
    /// user set no ONEDNN_MAX_CPU_ISA. The taxonomy executable runs itself as a child (`probe-convolution`), since only
    /// a fresh process can use kernels other than this one's. Unset (the tests, a library user): the SSE4.1 cap.
    /// </summary>
    public static Func<bool>? FastKernelsProbe { get; set; }

    public static ConvolutionPath Path => Chosen.Value.Path;

    /// <summary>How the convolutions compute, for the run's log; null before the first convolution of the process.</summary>
    public static string? Description => Chosen.IsValueCreated ? Chosen.Value.Description : null;

    private static (ConvolutionPath, string) Choose()
    {
        var userCap = Environment.GetEnvironmentVariable(IsaVariable);
        var cap = CapFor(userCap, FastKernelsProbe);
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
        if (ConvolutionIsRight())
        {
            return (ConvolutionPath.OneDnn, $"oneDNN, {kernels}; checked against float64");
        }
        Native.SetOneDnnEnabled(false);
        return ConvolutionIsRight()
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

    /// <summary>
    /// float32 conv2d against float64 on shapes where the faulty kernels were seen to fail (wrong values or NaN,
    /// depending on the shape), for the output and both gradients, with the kernels this process uses.
    /// </summary>
    public static bool ConvolutionIsRight()
    {
        // 5×5: where the faulty kernels failed; 3×3 and stride 2: the layers of the CNN classifier and the strided AE.
        (int Batch, int In, int Out, int Size, int Kernel, int Stride)[] shapes =
        [
            (2, 8, 8, 8, 5, 1), (8, 50, 50, 14, 5, 1), (16, 16, 1, 12, 5, 1), (2, 3, 4, 6, 5, 1),
            (4, 1, 64, 28, 3, 1), (4, 64, 128, 14, 3, 1), (4, 32, 64, 14, 3, 2), (8, 16, 32, 7, 1, 1),
        ];
        return shapes.All(s => ConvolutionIsRight(s.Batch, s.In, s.Out, s.Size, s.Kernel, s.Stride));
    }

    private static bool ConvolutionIsRight(int batch, int channelsIn, int channelsOut, int size, int kernel, int stride)
    {
        using var scope = NewDisposeScope();
        using var gradients = torch.enable_grad();   // the first convolution may come from an evaluation under no_grad
        var generator = new torch.Generator(12345);
        var x = torch.randn([batch, channelsIn, size, size], generator: generator, dtype: ScalarType.Float64);
        var w = torch.randn([channelsOut, channelsIn, kernel, kernel], generator: generator, dtype: ScalarType.Float64).mul_(0.05);
        var outputSize = (size - 1) / stride + 1;
        var upstream = torch.randn([batch, channelsOut, outputSize, outputSize], generator: generator, dtype: ScalarType.Float64);
        var (y32, dx32, dw32) = Run(x.to(ScalarType.Float32), w.to(ScalarType.Float32), upstream.to(ScalarType.Float32), stride);
        var (y64, dx64, dw64) = Run(x, w, upstream, stride);
        return Close(y32, y64) && Close(dx32, dx64) && Close(dw32, dw64);
    }

    private static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Run(Tensor x, Tensor w, Tensor upstream, int stride)
    {
        var input = x.detach().requires_grad_();
        var weight = w.detach().requires_grad_();
        var output = Conv2d(input, weight, bias: null, stride, padding: w.shape[2] / 2);
        output.mul(upstream).sum().backward();
        return (output.detach(), input.grad!, weight.grad!);
    }

    /// <summary>
    /// libtorch's conv2d on [batch, channels, height, width] images, with the input's memory laid out channels-last
    /// (NHWC strides, same shape and values): oneDNN then runs its NHWC kernels without reordering every call's input
    /// and output: the case study's network pre-trains 1.5× and clusters 1.3× faster on Fashion-MNIST with 2 threads.
    /// The result stays channels-last, so batch norm, pooling and the next convolution keep that layout without copies;
    /// the check above runs the same call, so it checks the kernels the layers use.
    /// </summary>
    internal static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding) =>
        nn.functional.conv2d(ChannelsLast(input), weight, bias, strides: [stride, stride], padding: [padding, padding]);

    /// <summary>The same tensor with NHWC strides; no copy when it already has them.</summary>
    private static Tensor ChannelsLast(Tensor images)
    {
        using var scope = NewDisposeScope();
        return images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Within float32 rounding of the float64 reference; NaN never is.</summary>
    private static bool Close(Tensor value, Tensor reference) =>
        value.to(ScalarType.Float64).sub(reference).abs().max().item<double>() <= 1e-4 * reference.abs().max().item<double>();

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
