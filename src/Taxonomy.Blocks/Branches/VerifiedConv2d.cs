using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// A 2-D convolution with a square kernel and zero padding, with nn.Conv2d's parameters ([out, in, k, k] weight,
/// optional bias) and initialisation (uniform ±1/√fan-in), computed the way the host's <see cref="IConvolutionChoice"/>
/// found right on this machine: libtorch's conv2d, or unfold (im2col) and one matrix product.
/// </summary>
internal sealed class VerifiedConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly long _kernel;
    private readonly long _stride;
    private readonly long _padding;
    private readonly IConvolutionChoice _choice;

    /// <param name="bias">False before batch norm, which removes any per-channel offset (its gradient is 0).</param>
    public VerifiedConv2d(long input, long output, long kernel, long stride, long padding, bool bias, IConvolutionChoice choice)
        : base(nameof(VerifiedConv2d))
    {
        (_kernel, _stride, _padding, _choice) = (kernel, stride, padding, choice);
        var bound = 1 / Math.Sqrt(input * kernel * kernel);
        _weight = new Parameter(torch.empty(output, input, kernel, kernel).uniform_(-bound, bound));
        _bias = bias ? new Parameter(torch.empty(output).uniform_(-bound, bound)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        _choice.Method == ConvolutionMethod.Unfold
            ? Unfolded(input)
            : LibTorchConvolution.Conv2d(input, _weight, _bias, _stride, _padding);

    /// <summary>im2col and one matrix product: the path that never reaches oneDNN.</summary>
    internal Tensor Unfolded(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3]);
        var columns = nn.functional.unfold(input, _kernel, padding: _padding, stride: _stride);   // [b, in·k·k, positions]
        var output = _weight.reshape(_weight.shape[0], -1).matmul(columns);                        // [b, out, positions]
        if (_bias is not null)
        {
            output += _bias.unsqueeze(-1);
        }
        return output.reshape(batch, _weight.shape[0], Size(height), Size(width)).MoveToOuterDisposeScope();
    }

    private long Size(long input) => (input + 2 * _padding - _kernel) / _stride + 1;
}
