using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.Augmentation;

namespace Taxonomy.Blocks.NonClusteringLosses;

/// <summary>
/// The GAN loss (UGTAC's non-clustering loss): the branch is the discriminator's body, and this loss owns the rest, a
/// linear real/fake head on one of the branch's layers and an MLP generator z ~ N(0, I) → sample (sigmoid output, for
/// data in [0, 1]). Each step trains both players at once: the discriminator on −log D(x) − log(1 − D(G(z))), and the
/// generator on the non-saturating −log D(G(z)) (Goodfellow et al. 2014). The generator's gradient reaches the generator
/// alone: it is taken with autograd.grad at G(z) and applied through a surrogate whose value is zero, so the
/// discriminator never learns from the generator's objective. The generated batch's passes through the branch use their
/// own batch statistics (DCGAN feeds real and fake batches apart); the generator's pass leaves the running statistics
/// alone. After training, the branch's features (the discriminator's penultimate layer) are clustered.
/// </summary>
[Block("adversarial", Summary = "GAN loss: the branch is the discriminator (with a real/fake head on a layer), the loss owns an MLP generator; both trained each step (UGTAC).")]
public sealed class AdversarialLoss(AdversarialLoss.Options options) : INonClusteringLoss, IDisposable
{
    public sealed class Options : LossOptions
    {
        [Description("Size of the generator's input noise z ~ N(0, I) (DCGAN: 100).")]
        [Range(1, 10_000)]
        public int LatentSize { get; set; } = 100;

        [Description("Hidden layer sizes of the MLP generator (linear, batch norm, ReLU each); its output layer has a sigmoid. Default [256, 512].")]
        public List<int>? Generator { get; set; }

        [Description("The branch output the real/fake head reads: the discriminator's penultimate layer (e.g. embedding).")]
        public string Layer { get; set; } = Layers.Embedding;

        public override void ApplyDefaults() => Generator ??= [256, 512];

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Generator is { Count: 0 } || Generator?.Any(d => d <= 0) == true)
            {
                yield return ("generator", "must list at least one positive layer size");
            }
        }
    }

    private Sequential? _generator;
    private Linear? _head;
    private long[] _sampleShape = [];

    public double Weight => options.Weight;

    public IReadOnlyList<string> RequiredLayers => [options.Layer];

    public IEnumerable<Parameter> Parameters =>
        (_generator?.parameters() ?? []).Concat(_head?.parameters() ?? []);

    /// <summary>The generator, e.g. for drawing samples after training.</summary>
    public torch.nn.Module<torch.Tensor, torch.Tensor> Generator =>
        _generator ?? throw new InvalidOperationException("adversarial: the loss is used before Build().");

    public void Build(IBranch branch, long[] sampleShape)
    {
        var width = BranchLayer.Width(branch, sampleShape, options.Layer, "adversarial");
        _sampleShape = sampleShape;
        Dispose();
        var layers = new List<torch.nn.Module<torch.Tensor, torch.Tensor>>();
        long previous = options.LatentSize;
        foreach (var size in options.Generator!)
        {
            layers.AddRange(Stages.DenseLayers(previous, size, batchNorm: true, "relu"));
            previous = size;
        }
        layers.Add(torch.nn.Linear(previous, sampleShape.Aggregate(1L, (a, b) => a * b)));
        layers.Add(torch.nn.Sigmoid());
        _generator = torch.nn.Sequential(layers);
        _head = torch.nn.Linear(width, 1);
    }

    public torch.Tensor Compute(StepInput step)
    {
        var (discriminator, generator, fake, fakeGradient) = Terms(step);
        var surrogate = (fake * fakeGradient).sum();
        return discriminator + generator + (surrogate - surrogate.detach());
    }

    /// <summary>
    /// The discriminator's loss (with gradients), the generator's loss (a value), the generated batch G(z) (with the
    /// generator's graph), and the generator loss's gradient with respect to G(z) (detached).
    /// </summary>
    internal (torch.Tensor Discriminator, torch.Tensor Generator, torch.Tensor Fake, torch.Tensor FakeGradient) Terms(StepInput step)
    {
        var head = _head ?? throw new InvalidOperationException("adversarial: the loss is used before Build().");
        var branch = step.Run.Branch;
        var layer = new HashSet<string> { options.Layer };
        var b = step.Batch.Inputs.shape[0];
        var z = torch.randn([b, options.LatentSize], generator: step.Run.Random.Torch);
        var fake = Generator.call(z).reshape([b, .. _sampleShape]);
        torch.Tensor Logits(torch.Tensor features) => head.call(features.reshape(b, -1)).squeeze(1);

        var realLogits = Logits(step.Outputs[options.Layer]);
        var fakeLogits = Logits(branch.Forward(fake.detach(), layer)[options.Layer]);
        var discriminator = torch.nn.functional.binary_cross_entropy_with_logits(realLogits, torch.ones_like(realLogits)) +
                            torch.nn.functional.binary_cross_entropy_with_logits(fakeLogits, torch.zeros_like(fakeLogits));

        using var frozen = new FrozenBatchStatistics(branch.Module);
        var probe = fake.detach().requires_grad_(true);
        var probeLogits = Logits(branch.Forward(probe, layer)[options.Layer]);
        var generatorLoss = torch.nn.functional.binary_cross_entropy_with_logits(probeLogits, torch.ones_like(probeLogits));
        var gradient = torch.autograd.grad([generatorLoss], [probe])[0];
        return (discriminator, generatorLoss.detach(), fake, gradient.detach());
    }

    public void Dispose()
    {
        _generator?.Dispose();
        _head?.Dispose();
        _generator = null;
        _head = null;
    }
}
