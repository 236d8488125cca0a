using Taxonomy.Blocks.Branches;
using Taxonomy.Host.Platform;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class VerifiedConv2dTests
{
    private sealed class Fixed(ConvolutionMethod method) : IConvolutionChoice
    {
        public ConvolutionMethod Method => method;
    }

    [TestCase(1, 2)]
    [TestCase(2, 1)]
    [TestCase(1, 0)]
    public void The_layer_computes_what_im2col_computes(int stride, int padding)
    {
        manual_seed(3);
        using var conv = new VerifiedConv2d(3, 5, 3, stride, padding, bias: true, HostPlatform.Process.Convolutions);
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
        // NHWC strides let oneDNN skip reordering every layer's input and output (LibTorchConvolution.Conv2d).
        var libTorch = new Fixed(ConvolutionMethod.LibTorch);
        manual_seed(3);
        using var first = new VerifiedConv2d(3, 5, 3, 1, 1, bias: true, libTorch);
        using var second = new VerifiedConv2d(5, 2, 3, 2, 1, bias: false, libTorch);
        using var scope = NewDisposeScope();
        var maps = first.call(randn(4, 3, 9, 9));
        Assert.That(maps.stride(), Is.EqualTo(new long[] { 9 * 9 * 5, 1, 9 * 5, 5 }), "[4, 5, 9, 9] with NHWC strides");
        Assert.That(second.call(maps).stride(), Is.EqualTo(new long[] { 5 * 5 * 2, 1, 5 * 2, 2 }));
    }

    [Test]
    public void A_layer_told_to_unfold_never_calls_libtorchs_convolution()
    {
        // unfold's matrix product leaves the usual NCHW strides, which libtorch's channels-last call would not.
        manual_seed(3);
        using var conv = new VerifiedConv2d(3, 5, 3, 1, 1, bias: true, new Fixed(ConvolutionMethod.Unfold));
        using var scope = NewDisposeScope();
        var x = randn(4, 3, 9, 9);
        var output = conv.call(x);
        Assert.That(output.stride(), Is.EqualTo(new long[] { 5 * 9 * 9, 9 * 9, 9, 1 }));
        Assert.That(output.allclose(conv.Unfolded(x), rtol: 0, atol: 0), Is.True, "the same computation, to the bit");
    }
}
