using TorchSharp;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// The layer stacks every branch is built from, so that "batch norm, then activation, then dropout" has one order
/// everywhere. Module indices inside each stack are part of saved weight names (branch.pt, the pre-training cache).
/// </summary>
internal static class Stages
{
    /// <summary>Batch norm when asked (2-D over feature maps, else 1-D), then the activation.</summary>
    public static IEnumerable<Module<torch.Tensor, torch.Tensor>> NormalisedActivation(long features, bool batchNorm,
        string activation, bool featureMaps = false)
    {
        if (batchNorm)
        {
            yield return featureMaps ? BatchNorm2d(features) : BatchNorm1d(features);
        }
        yield return Activations.Create(activation);
    }

    /// <summary>Linear, then optional batch norm, the activation, and dropout when its probability is above 0.</summary>
    public static List<Module<torch.Tensor, torch.Tensor>> DenseLayers(long input, long output, bool batchNorm,
        string activation, double dropout = 0)
    {
        var layers = new List<Module<torch.Tensor, torch.Tensor>> { Linear(input, output) };
        layers.AddRange(NormalisedActivation(output, batchNorm, activation));
        if (dropout > 0)
        {
            layers.Add(Dropout(dropout));
        }
        return layers;
    }

    /// <summary>
    /// Runs the hidden stages in order, keeping stage i's output as hidden{i} in <paramref name="output"/> when
    /// required; returns the last stage's output.
    /// </summary>
    public static torch.Tensor RunHidden(torch.Tensor inputs, IReadOnlySet<string> required,
        IEnumerable<Module<torch.Tensor, torch.Tensor>> hiddenStages, Abstractions.Training.BranchOutput output)
    {
        var h = inputs;
        var index = 0;
        foreach (var stage in hiddenStages)
        {
            h = stage.call(h);
            if (required.Contains(Abstractions.Training.Layers.Hidden(++index)))
            {
                output.Set(Abstractions.Training.Layers.Hidden(index), h);
            }
        }
        return h;
    }

    /// <summary>The K-way head of a classifier: linear logits, batch-normalised when asked (DAC's network ends so).</summary>
    public static Module<torch.Tensor, torch.Tensor> Head(long input, int clusters, bool batchNorm) => batchNorm
        ? Sequential(Linear(input, clusters), BatchNorm1d(clusters))
        : Linear(input, clusters);
}
