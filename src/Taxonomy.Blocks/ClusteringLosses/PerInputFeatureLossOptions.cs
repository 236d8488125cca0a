using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// Options of a clustering loss whose original weight balances it against a reconstruction error summed over a sample's
/// features (DKM, ClustPy's DipDECK), where the framework's reconstruction error is their mean.
/// </summary>
public class PerInputFeatureLossOptions : LossOptions
{
    [Description("Divide the loss by the number of input features D, so that weight is the original method's against a reconstruction error summed over the features (the framework's is their mean): one weight for 8×8 and 28×28 images alike.")]
    public bool PerInputFeature { get; set; }

    /// <summary>The loss, divided by the features per sample of <paramref name="inputs"/> when <see cref="PerInputFeature"/> is set.</summary>
    internal torch.Tensor Scaled(torch.Tensor loss, torch.Tensor inputs) =>
        PerInputFeature ? loss / (inputs.numel() / inputs.shape[0]) : loss;
}
