using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>Options of the virtual adversarial perturbation.</summary>
public sealed class VatOptions : PerturbationOptions
{
    [Description("ξ: length of the probe step of the power iteration (IMSAT: 10; the VAT paper: 1e-6).")]
    [Range(1e-12, 1e6)]
    public double Xi { get; set; } = 10;

    [Description("Power iterations for the adversarial direction (IMSAT: 1).")]
    [Range(1, 100)]
    public int Iterations { get; set; } = 1;
}

/// <summary>
/// Virtual adversarial perturbation (Miyato et al.; IMSAT's vat()): starting from a random unit direction d, each power
/// iteration sets d to the unit gradient, with respect to d, of KL(p(y|x) ‖ p(y|x + ξd)) with p(y|x) fixed; then
/// T(x) = x + ε·d. The gradient is taken with autograd.grad, so the network's parameter gradients are untouched.
/// </summary>
internal sealed class VirtualAdversarialPerturbation(VatOptions options) : IAugmentation
{
    private readonly PerturbationRadius _radius = new(options, "self-augmentation (vat)");

    public torch.Tensor Apply(StepInput step, torch.Tensor cleanLogits)
    {
        using var scope = torch.NewDisposeScope();
        var x = step.Batch.Inputs.detach();
        var clean = cleanLogits.detach();
        var d = Directions.Unit(torch.randn(x.shape, x.dtype, generator: step.Run.Random.Torch));
        var logits = new HashSet<string> { Layers.Logits };
        using var frozen = new FrozenBatchStatistics(step.Run.Branch.Module);
        for (var i = 0; i < options.Iterations; i++)
        {
            using var inner = torch.NewDisposeScope();
            var probe = d.detach().requires_grad_(true);
            var perturbed = step.Run.Branch.Forward(x + options.Xi * probe, logits)[Layers.Logits];
            var distance = Directions.Kl(clean, perturbed);
            var gradient = torch.autograd.grad([distance], [probe])[0];
            d = Directions.Unit(gradient.detach()).MoveToOuterDisposeScope();
        }
        return (x + _radius.For(step) * d).detach().MoveToOuterDisposeScope();
    }
}
