using TorchSharp;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// The options every convolutional branch has, under the same names: each branch declares them with its own
/// defaults and descriptions (in the order its manifests and `taxonomy list` show them).
/// </summary>
internal interface IConvolutionStageOptions
{
    List<int>? Channels { get; }

    int KernelSize { get; }

    bool BatchNorm { get; }

    string Activation { get; }
}

/// <summary>What the convolutional branches share beyond their options: the checks of those options and the conv layer.</summary>
internal static class ConvolutionStages
{
    /// <summary>The problems with channels and kernelSize; <paramref name="channelsExample"/> is the branch's default.</summary>
    public static IEnumerable<(string Option, string Message)> Check(IConvolutionStageOptions options, string channelsExample)
    {
        if (options.Channels is { Count: 0 } || options.Channels?.Any(c => c <= 0) == true)
        {
            yield return ("channels", $"must list at least one positive channel count, e.g. {channelsExample}");
        }
        if (options.KernelSize % 2 == 0)
        {
            yield return ("kernelSize", $"must be odd (so 'same' padding keeps the size), got {options.KernelSize}");
        }
    }

    /// <summary>A 'same'-padded convolution (without bias before batch norm), optional batch norm, the activation.</summary>
    public static List<Module<torch.Tensor, torch.Tensor>> Layers(long input, long output, int kernel, int stride,
        IConvolutionStageOptions options, IConvolutionChoice convolutions)
    {
        var layers = new List<Module<torch.Tensor, torch.Tensor>>
        {
            new VerifiedConv2d(input, output, kernel, stride, kernel / 2, bias: !options.BatchNorm, convolutions),
        };
        layers.AddRange(Stages.NormalisedActivation(output, options.BatchNorm, options.Activation, featureMaps: true));
        return layers;
    }
}
