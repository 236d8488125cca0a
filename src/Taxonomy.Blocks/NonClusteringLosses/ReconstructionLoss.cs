using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Augmentation;

namespace Taxonomy.Blocks.NonClusteringLosses;

public enum ReconstructionMetric
{
    /// <summary>Mean squared error over all elements.</summary>
    Mse,

    /// <summary>Binary cross-entropy with the decoder output as logits; inputs must lie in [0, 1].</summary>
    Bce,
}

/// <summary>How the element-wise reconstruction errors become one number.</summary>
public enum ReconstructionReduction
{
    /// <summary>Mean over all elements of the batch.</summary>
    Mean,

    /// <summary>Sum over each sample's elements, mean over the batch: −log p(x|z) per sample, the scale of a VAE's ELBO.</summary>
    Sum,
}

/// <summary>
/// Autoencoder reconstruction ‖x − g(f(x))‖², or binary cross-entropy for [0, 1] data. With a "transform" the
/// autoencoder learns on augmented images instead, ‖T(x) − g(f(T(x)))‖² with a fresh random T per batch (DEC-DA,
/// Guo et al. 2018): the loss then runs the branch on T(x) itself, and the clean forward pass is not needed for it.
/// </summary>
[Block("reconstruction", Summary = "Autoencoder reconstruction loss: MSE, or BCE with the decoder output as logits; with a transform, of T(x) from T(x) for randomly transformed images (DEC-DA).")]
public sealed class ReconstructionLoss(ReconstructionLoss.Options options) : INonClusteringLoss
{
    public sealed class Options : TransformableLossOptions
    {
        [Description("mse (mean squared error) or bce (binary cross-entropy on logits; inputs in [0, 1]).")]
        public ReconstructionMetric Metric { get; set; } = ReconstructionMetric.Mse;

        [Description("mean: over all elements (autoencoders); sum: over each sample's elements, then mean over the batch (a VAE's ELBO, VaDE).")]
        // Left out of the options' JSON when it is the default, so the pre-training cache keys made before it existed hold.
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
        public ReconstructionReduction Reduction { get; set; } = ReconstructionReduction.Mean;
    }

    private readonly ImageTransform? _transform = options.CreateTransform();

    public double Weight => options.Weight;

    public IReadOnlyList<string> RequiredLayers => _transform is null ? [Layers.Reconstruction] : [];

    public torch.Tensor Compute(StepInput step)
    {
        var (inputs, outputs) = _transform is null
            ? (step.Batch.Inputs, step.Outputs)
            : _transform.Forward(step, [Layers.Reconstruction]);
        var reconstruction = outputs[Layers.Reconstruction];
        var target = inputs.reshape(reconstruction.shape);
        var reduction = options.Reduction == ReconstructionReduction.Sum ? torch.nn.Reduction.Sum : torch.nn.Reduction.Mean;
        var loss = options.Metric switch
        {
            ReconstructionMetric.Bce => torch.nn.functional.binary_cross_entropy_with_logits(reconstruction, target, reduction: reduction),
            _ => torch.nn.functional.mse_loss(reconstruction, target, reduction),
        };
        return options.Reduction == ReconstructionReduction.Sum ? loss / target.shape[0] : loss;
    }
}
