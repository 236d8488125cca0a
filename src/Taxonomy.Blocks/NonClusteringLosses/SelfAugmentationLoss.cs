using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Augmentation;

namespace Taxonomy.Blocks.NonClusteringLosses;

/// <summary>
/// Self-augmentation (IMSAT, Hu et al. 2017, Eq. 5): KL(p(y|x) ‖ p(y|T(x))), summed over clusters and averaged over the
/// batch, with p(y|x) detached (a fixed target, as in IMSAT's code) so only the prediction on T(x) is pulled towards it.
/// T is a nested augmentation whose options sit in an object named after it:
/// <code>
/// { "type": "self-augmentation", "augmentation": "vat", "vat": { "xi": 10, "epsilonScale": 0.25, "neighbour": 10 } }
/// </code>
/// rpt: a random point on the sphere of radius ε around x; vat: the virtual adversarial direction at radius ε.
/// Both take ε per sample from the k-th nearest neighbour (IMSAT) unless a fixed "epsilon" is given. transform: a
/// random small rotation, shift and zoom of each image, plus optional noise. T(x) goes through
/// the branch in training mode, like x itself, but leaves the batch-norm running statistics as x set them (IMSAT's
/// update_batch_stats=False).
/// </summary>
[Block("self-augmentation", Summary = "KL(p(y|x) || p(y|T(x))) with p(y|x) fixed; T = rpt (random, radius ε), vat (virtual adversarial) (IMSAT) or transform (rotation, shift, zoom, noise of images).")]
public sealed class SelfAugmentationLoss(SelfAugmentationLoss.Options options) : INonClusteringLoss
{
    public const string Rpt = "rpt";
    public const string Vat = "vat";
    public const string Transform = "transform";

    private static readonly string[] s_augmentations = [Rpt, Vat, Transform];

    public sealed class Options : LossOptions
    {
        [Description("The augmentation T: rpt (random perturbation on the sphere of radius ε), vat (virtual adversarial perturbation of radius ε) or transform (random rotation, shift, zoom and noise of images).")]
        public string Augmentation { get; set; } = SelfAugmentationLoss.Vat;

        [Description("Options of rpt: epsilon (fixed radius) or epsilonScale and neighbour (ε_i = epsilonScale × distance to the k-th neighbour); absent: IMSAT's 0.25 and 10.")]
        public PerturbationOptions? Rpt { get; set; }

        [Description("Options of vat: xi, iterations, and epsilon or epsilonScale and neighbour as for rpt; absent: IMSAT's ξ = 10, 1 iteration, 0.25 × 10th-neighbour distance.")]
        public VatOptions? Vat { get; set; }

        [Description("Options of transform: rotation (degrees), shift and zoom (fractions), noise (std), imageShape for flat samples; absent: 10°, 0.1, 0.1, no noise.")]
        public ImageTransformOptions? Transform { get; set; }

        public override void ApplyDefaults()
        {
            if (Augmentation == SelfAugmentationLoss.Rpt)
            {
                Rpt ??= new PerturbationOptions();
            }
            if (Augmentation == SelfAugmentationLoss.Vat)
            {
                Vat ??= new VatOptions();
            }
            if (Augmentation == SelfAugmentationLoss.Transform)
            {
                Transform ??= new ImageTransformOptions();
            }
        }

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (!s_augmentations.Contains(Augmentation))
            {
                yield return ("augmentation", $"'{Augmentation}' is not one of: {string.Join(", ", s_augmentations)}");
            }
            foreach (var (name, settings) in new (string, BlockOptions?)[] { (SelfAugmentationLoss.Rpt, Rpt), (SelfAugmentationLoss.Vat, Vat), (SelfAugmentationLoss.Transform, Transform) })
            {
                if (settings is null)
                {
                    continue;
                }
                if (name != Augmentation)
                {
                    yield return (name, $"options for '{name}', but the augmentation is '{Augmentation}'; remove them or set augmentation to '{name}'");
                }
                foreach (var problem in NestedOptions.Check(settings, name, name))
                {
                    yield return problem;
                }
            }
        }
    }

    private readonly IAugmentation _augmentation = options.Augmentation switch
    {
        Rpt => new RandomPerturbation(options.Rpt!),
        Transform => new ImageTransform(options.Transform!),
        _ => new VirtualAdversarialPerturbation(options.Vat!),
    };

    public double Weight => options.Weight;

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Logits];

    public torch.Tensor Compute(StepInput step)
    {
        var clean = step.Outputs[Layers.Logits].detach();
        var augmented = _augmentation.Apply(step, clean);
        torch.Tensor logits;
        using (new FrozenBatchStatistics(step.Run.Branch.Module))
        {
            logits = step.Run.Branch.Forward(augmented, new HashSet<string> { Layers.Logits })[Layers.Logits];
        }
        return Directions.Kl(clean, logits);
    }
}
