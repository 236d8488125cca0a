using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>Options of the virtual adversarial perturbation.</summary>
public sealed class VatOptions : PerturbationOptions
{
    [Description("ξ: length of the probe step of the power iteration (IMSAT: 10; the VAT paper: 1e-6); with xiRelative, in units of each sample's ε.")]
    [Range(1e-12, 1e6)]
    public double Xi { get; set; } = 10;

    [Description("true: the probe step is ξ·ε_i, scaled like the data (ξ = 10 is IMSAT's absolute 10 at Fashion-MNIST's mean ε ≈ 1); false: ξ is absolute (IMSAT).")]
    public bool XiRelative { get; set; }

    [Description("Power iterations for the adversarial direction (IMSAT: 1).")]
    [Range(1, 100)]
    public int Iterations { get; set; } = 1;
}

/// <summary>
/// Virtual adversarial perturbation (Miyato et al.; IMSAT's vat()): starting from a random unit direction d, each power
/// iteration sets d to the unit gradient, with respect to d, of KL(p(y|x) ‖ p(y|x + ξd)) with p(y|x) fixed; then
/// T(x) = x + ε·d. The gradient is taken with autograd.grad, so the network's parameter gradients are untouched.
/// An absolute ξ belongs to one scale of data: IMSAT's ξ = 10 is about 10 ε on [0, 1] images but 800 ε on the synthetic
/// set, where the probe leaves the data far behind; a relative ξ (ξ·ε_i) keeps the probe at the same place for any scale.
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
        var radius = _radius.For(step);
        var probeLength = options.XiRelative ? options.Xi * radius : torch.tensor(options.Xi, x.dtype);
        var logits = new HashSet<string> { Layers.Logits };
        using var frozen = new FrozenBatchStatistics(step.Run.Branch.Module);
        for (var i = 0; i < options.Iterations; i++)
        {
            using var inner = torch.NewDisposeScope();
            var probe = d.detach().requires_grad_(true);
            var perturbed = step.Run.Branch.Forward(x + probeLength * probe, logits)[Layers.Logits];
            var distance = Directions.Kl(clean, perturbed);
            var gradient = torch.autograd.grad([distance], [probe])[0];
            d = Directions.Unit(gradient.detach()).MoveToOuterDisposeScope();
        }
        return (x + radius * d).detach().MoveToOuterDisposeScope();
    }
}
