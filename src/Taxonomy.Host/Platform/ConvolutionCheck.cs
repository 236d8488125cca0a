using TorchSharp;
using Taxonomy.Blocks.Branches;
using static TorchSharp.torch;

namespace Taxonomy.Host.Platform;

/// <summary>
/// float32 conv2d against float64 on shapes where the faulty kernels were seen to fail (wrong values or NaN,
/// depending on the shape), for the output and both gradients, with the kernels this process uses and the very call
/// the layers make (<see cref="LibTorchConvolution"/>).
/// </summary>
internal static class ConvolutionCheck
{
    public static bool IsRight()
    {
        // 5×5: where the faulty kernels failed; 3×3 and stride 2: the layers of the CNN classifier and the strided AE.
        (int Batch, int In, int Out, int Size, int Kernel, int Stride)[] shapes =
        [
            (2, 8, 8, 8, 5, 1), (8, 50, 50, 14, 5, 1), (16, 16, 1, 12, 5, 1), (2, 3, 4, 6, 5, 1),
            (4, 1, 64, 28, 3, 1), (4, 64, 128, 14, 3, 1), (4, 32, 64, 14, 3, 2), (8, 16, 32, 7, 1, 1),
        ];
        return shapes.All(s => IsRight(s.Batch, s.In, s.Out, s.Size, s.Kernel, s.Stride));
    }

    private static bool IsRight(int batch, int channelsIn, int channelsOut, int size, int kernel, int stride)
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
        var output = LibTorchConvolution.Conv2d(input, weight, bias: null, stride, padding: w.shape[2] / 2);
        output.mul(upstream).sum().backward();
        return (output.detach(), input.grad!, weight.grad!);
    }

    /// <summary>Within float32 rounding of the float64 reference; NaN never is.</summary>
    private static bool Close(Tensor value, Tensor reference) =>
        value.to(ScalarType.Float64).sub(reference).abs().max().item<double>() <= 1e-4 * reference.abs().max().item<double>();
}
