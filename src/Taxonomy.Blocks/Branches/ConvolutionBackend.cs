using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Branches;

/// <summary>How the convolution layers compute: the fastest way that gives right values on this machine.</summary>
internal enum ConvolutionPath
{
    /// <summary>libtorch's conv2d through oneDNN, capped at SSE4.1 kernels.</summary>
    OneDnn,

    /// <summary>libtorch's conv2d with oneDNN switched off (its own im2col + GEMM).</summary>
    NativeWithoutOneDnn,

    /// <summary>unfold + one matrix product per layer, built from ops that never reach oneDNN.</summary>
    Unfold,
}

/// <summary>
/// Chooses the convolution path once per process, by checking libtorch's float32 conv2d (output, input and weight
/// gradients) against float64 on a random batch. Why: libtorch 2.10's oneDNN AVX2/AVX-512 float32 kernels return
/// wrong outputs and input gradients (relative error ~0.2) on the AMD EPYC machines we run on, while its SSE4.1
/// kernels are right, and 5.6× faster than unfold + matmul (50→50 channels, 5×5, 14×14, batch 100: 257 ms against
/// 1,440 ms per forward and backward, one thread). oneDNN reads ONEDNN_MAX_CPU_ISA at its first convolution, so the
/// cap is set in the process environment before that, unless the user set it. A user's own cap still goes through
/// the same check.
/// </summary>
internal static class ConvolutionBackend
{
    private const string IsaVariable = "ONEDNN_MAX_CPU_ISA";
    private static readonly Lazy<ConvolutionPath> Chosen = new(Choose, LazyThreadSafetyMode.ExecutionAndPublication);

    public static ConvolutionPath Path => Chosen.Value;

    private static ConvolutionPath Choose()
    {
        if (Environment.GetEnvironmentVariable(IsaVariable) is null)
        {
            Native.setenv(IsaVariable, "SSE41", overwrite: 0);   // .NET's SetEnvironmentVariable does not reach getenv
        }
        if (ConvolutionIsRight())
        {
            return ConvolutionPath.OneDnn;
        }
        Native.SetOneDnnEnabled(false);
        return ConvolutionIsRight() ? ConvolutionPath.NativeWithoutOneDnn : ConvolutionPath.Unfold;
    }

    /// <summary>
    /// float32 conv2d against float64 on shapes where the faulty kernels were seen to fail (wrong values or NaN,
    /// depending on the shape), for the output and both gradients.
    /// </summary>
    internal static bool ConvolutionIsRight()
    {
        (int Batch, int In, int Out, int Size)[] shapes = [(2, 8, 8, 8), (8, 50, 50, 14), (16, 16, 1, 12), (2, 3, 4, 6)];
        return shapes.All(s => ConvolutionIsRight(s.Batch, s.In, s.Out, s.Size));
    }

    private static bool ConvolutionIsRight(int batch, int channelsIn, int channelsOut, int size)
    {
        using var scope = NewDisposeScope();
        using var gradients = torch.enable_grad();   // the first convolution may come from an evaluation under no_grad
        var generator = new torch.Generator(12345);
        var x = torch.randn([batch, channelsIn, size, size], generator: generator, dtype: ScalarType.Float64);
        var w = torch.randn([channelsOut, channelsIn, 5, 5], generator: generator, dtype: ScalarType.Float64).mul_(0.05);
        var upstream = torch.randn([batch, channelsOut, size, size], generator: generator, dtype: ScalarType.Float64);
        var (y32, dx32, dw32) = Run(x.to(ScalarType.Float32), w.to(ScalarType.Float32), upstream.to(ScalarType.Float32));
        var (y64, dx64, dw64) = Run(x, w, upstream);
        return Close(y32, y64) && Close(dx32, dx64) && Close(dw32, dw64);
    }

    private static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Run(Tensor x, Tensor w, Tensor upstream)
    {
        var input = x.detach().requires_grad_();
        var weight = w.detach().requires_grad_();
        var output = nn.functional.conv2d(input, weight, padding: [2, 2]);
        output.mul(upstream).sum().backward();
        return (output.detach(), input.grad!, weight.grad!);
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
