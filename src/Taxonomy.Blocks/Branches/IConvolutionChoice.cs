using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Branches;

/// <summary>How a convolution layer computes its output.</summary>
public enum ConvolutionMethod
{
    /// <summary>libtorch's conv2d, on channels-last input (<see cref="LibTorchConvolution"/>).</summary>
    LibTorch,

    /// <summary>unfold (im2col) and one matrix product per layer, built from ops that never reach oneDNN.</summary>
    Unfold,
}

/// <summary>
/// Which <see cref="ConvolutionMethod"/> gives right values on this machine. The host chooses it (libtorch's conv2d
/// is wrong on some CPUs) and hands it to the convolution branches through their constructors; a layer asks at every
/// forward pass, so the host may choose as late as the first convolution.
/// </summary>
public interface IConvolutionChoice
{
    ConvolutionMethod Method { get; }
}

/// <summary>libtorch's conv2d as the convolution layers call it, public so that a check of the kernels runs the same call.</summary>
public static class LibTorchConvolution
{
    /// <summary>
    /// libtorch's conv2d on [batch, channels, height, width] images, with the input's memory laid out channels-last
    /// (NHWC strides, same shape and values): oneDNN then runs its NHWC kernels without reordering every call's input
    /// and output: the case study's network pre-trains 1.5× and clusters 1.3× faster on Fashion-MNIST with 2 threads.
    /// The result stays channels-last, so batch norm, pooling and the next convolution keep that layout without copies.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding) =>
        nn.functional.conv2d(ChannelsLast(input), weight, bias, strides: [stride, stride], padding: [padding, padding]);

    /// <summary>The same tensor with NHWC strides; no copy when it already has them.</summary>
    private static Tensor ChannelsLast(Tensor images)
    {
        using var scope = NewDisposeScope();
        return images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }
}
