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
}
