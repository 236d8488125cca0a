using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

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

/// <summary>Autoencoder reconstruction ‖x − g(f(x))‖², or binary cross-entropy for [0, 1] data.</summary>
[Block("reconstruction", Summary = "Autoencoder reconstruction loss: MSE, or BCE with the decoder output as logits.")]
public sealed class ReconstructionLoss(ReconstructionLoss.Options options) : INonClusteringLoss
{
    public sealed class Options : LossOptions
    {
        [Description("mse (mean squared error) or bce (binary cross-entropy on logits; inputs in [0, 1]).")]
        public ReconstructionMetric Metric { get; set; } = ReconstructionMetric.Mse;

        [Description("mean: over all elements (autoencoders); sum: over each sample's elements, then mean over the batch (a VAE's ELBO, VaDE).")]
        // Left out of the options' JSON when it is the default, so the pre-training cache keys made before it existed hold.
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
        public ReconstructionReduction Reduction { get; set; } = ReconstructionReduction.Mean;
    }

    public double Weight => options.Weight;

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Reconstruction];

    public torch.Tensor Compute(StepInput step)
    {
        var reconstruction = step.Outputs[Layers.Reconstruction];
        var target = step.Batch.Inputs.reshape(reconstruction.shape);
        var reduction = options.Reduction == ReconstructionReduction.Sum ? torch.nn.Reduction.Sum : torch.nn.Reduction.Mean;
        var loss = options.Metric switch
        {
            ReconstructionMetric.Bce => torch.nn.functional.binary_cross_entropy_with_logits(reconstruction, target, reduction: reduction),
            _ => torch.nn.functional.mse_loss(reconstruction, target, reduction),
        };
        return options.Reduction == ReconstructionReduction.Sum ? loss / target.shape[0] : loss;
    }
}
