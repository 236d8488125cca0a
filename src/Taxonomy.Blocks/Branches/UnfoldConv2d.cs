using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// A 2-D convolution with a square kernel and zero padding, computed as unfold (im2col) and one matrix product, with
/// nn.Conv2d's parameters ([out, in, k, k] weight, optional bias) and initialisation (uniform ±1/√fan-in).
/// Why not nn.Conv2d: libtorch 2.10's CPU convolution goes through oneDNN, whose AVX2/AVX-512 kernels return wrong
/// input gradients for batches of more than one image on the AMD EPYC machines we run on (right with
/// ONEDNN_MAX_CPU_ISA=SSE41, and in float64); training then drifts into NaN. unfold and matmul do not use oneDNN.
/// </summary>
internal sealed class UnfoldConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly long _kernel;
    private readonly long _stride;
    private readonly long _padding;

    /// <param name="bias">False before batch norm, which removes any per-channel offset (its gradient is 0).</param>
    public UnfoldConv2d(long input, long output, long kernel, long stride, long padding, bool bias) : base(nameof(UnfoldConv2d))
    {
        (_kernel, _stride, _padding) = (kernel, stride, padding);
        var bound = 1 / Math.Sqrt(input * kernel * kernel);
        _weight = new Parameter(torch.empty(output, input, kernel, kernel).uniform_(-bound, bound));
        _bias = bias ? new Parameter(torch.empty(output).uniform_(-bound, bound)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
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
