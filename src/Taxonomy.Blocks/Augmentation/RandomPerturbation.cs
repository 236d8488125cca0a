using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>
/// IMSAT's random perturbation training (RPT): T(x) = x + ε·r, r uniform on the unit hyper-sphere (a normalised
/// standard normal draw from the run's generator), ε fixed or per sample from the k-th neighbour.
/// </summary>
internal sealed class RandomPerturbation(PerturbationOptions options) : IAugmentation
{
    private readonly PerturbationRadius _radius = new(options, "self-augmentation (rpt)");

    public torch.Tensor Apply(StepInput step, torch.Tensor cleanLogits)
    {
        using var scope = torch.NewDisposeScope();
        var x = step.Batch.Inputs;
        var r = Directions.Unit(torch.randn(x.shape, x.dtype, generator: step.Run.Random.Torch));
        return (x + _radius.For(step) * r).detach().MoveToOuterDisposeScope();
    }
}
