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

/// <summary>Autoencoder reconstruction ‖x − g(f(x))‖², or binary cross-entropy for [0, 1] data.</summary>
[Block("reconstruction", Summary = "Autoencoder reconstruction loss: MSE, or BCE with the decoder output as logits.")]
public sealed class ReconstructionLoss(ReconstructionLoss.Options options) : INonClusteringLoss
{
    public sealed class Options : LossOptions
    {
        [Description("mse (mean squared error) or bce (binary cross-entropy on logits; inputs in [0, 1]).")]
        public ReconstructionMetric Metric { get; set; } = ReconstructionMetric.Mse;
    }

    public double Weight => options.Weight;

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Reconstruction];

    public torch.Tensor Compute(StepInput step)
    {
        var reconstruction = step.Outputs[Layers.Reconstruction];
        var target = step.Batch.Inputs.reshape(reconstruction.shape);
        return options.Metric switch
        {
            ReconstructionMetric.Bce => torch.nn.functional.binary_cross_entropy_with_logits(reconstruction, target),
            _ => torch.nn.functional.mse_loss(reconstruction, target),
        };
    }
}
